package benchcorpus

// A real corpus of a million press releases names hundreds of thousands of
// people, towns, units and operations that appear once or twice. The lists
// in lexicon.go are the head of each distribution; past their end, an entry
// is made up from its rank: the same rank always gives the same name, so a
// name recurs across the corpus as often as its rank's Zipf probability says,
// and new names keep appearing as the corpus grows (Heaps' law). Names are
// built from syllables in the manner of several European and other
// languages, with their diacritics, so that diacritic folding is exercised on
// the tail as well as the head.

type tailKind uint8

const (
	tailSurname tailKind = iota
	tailFirst
	tailPlace
	tailOrg
	tailCodename
)

// splitmix64 scrambles a rank into the bits that choose a name's parts.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

var (
	onsets = []string{"b", "br", "d", "dr", "g", "gr", "k", "kr", "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr", "v", "z", "h", "j", "f", "sl"}
	vowels = []string{"a", "e", "i", "o", "u", "a", "e", "o"}
)

// nameStyle is one language's way of ending a name, with the accented
// vowels it may put in the root.
type nameStyle struct {
	suffixes []string
	accents  []string // replacements for a root vowel; empty: none
}

var surnameStyles = []nameStyle{
	{[]string{"ić", "ović", "ević", "ski", "ska", "ov", "ova", "enko", "uk", "czak"}, []string{"á", "é", "ó"}},
	{[]string{"mann", "er", "berg", "bauer", "stein", "ling", "hardt"}, []string{"ä", "ö", "ü"}},
	{[]string{"ez", "es", "eira", "ado", "ão", "inho", "eda"}, []string{"á", "í", "ú"}},
	{[]string{"oğlu", "can", "türk", "soy", "er", "gül"}, []string{"ı", "ö", "ü"}},
	{[]string{"sen", "son", "ström", "qvist", "lund", "dahl", "gård"}, []string{"ø", "å", "ö"}},
	{[]string{"opoulos", "akis", "idis", "ou", "as"}, nil},
	{[]string{"escu", "eanu", "aru", "ache"}, []string{"ă", "â"}},
	{[]string{"fi", "ényi", "ós", "ai", "ácz"}, []string{"á", "é", "ő"}},
	{[]string{"etti", "ini", "ucci", "ello", "one"}, nil},
	{[]string{"eau", "ière", "ard", "et", "ault"}, []string{"é", "è", "ê"}},
	{[]string{"aitis", "auskas", "iņš", "ēns", "ovs"}, []string{"ā", "ū"}},
	{[]string{"ola", "emi", "ade", "oye", "ike"}, nil},
}

var (
	firstSuffixes = []string{"a", "o", "el", "ian", "ek", "ija", "ine", "us", "as", "en"}
	placeSuffixes = []string{"dorf", "ovo", "ino", "heim", "burg", "ville", "ice", "ów", "ești", "köy", "by", "stad", "polis", "ac", "ana", "hausen", "eira", "ița"}
	codeSuffixes  = []string{"on", "ar", "ix", "us", "is", "ax", "or"}
	acronymFirst  = "ABCDEFGHIJKLMNOPRSTUVW"
)

// appendRoot appends one or two capitalised syllables (three for long
// names), drawing from h; with an accent list it may accent one vowel.
func appendRoot(b []byte, h uint64, syll int, accents []string) ([]byte, uint64) {
	accentAt := -1
	if len(accents) > 0 && h&3 == 0 {
		accentAt = int(h>>2) % syll
	}
	h >>= 4
	for s := range syll {
		on := onsets[h%uint64(len(onsets))]
		h /= uint64(len(onsets))
		if s == 0 {
			b = append(b, on[0]-'a'+'A')
			b = append(b, on[1:]...)
		} else {
			b = append(b, on...)
		}
		v := vowels[h%uint64(len(vowels))]
		h /= uint64(len(vowels))
		if s == accentAt {
			v = accents[h%uint64(len(accents))]
			h /= uint64(len(accents))
		}
		b = append(b, v...)
	}
	return b, h
}

// appendTailName appends the made-up name of rank (past the head list) to b.
func appendTailName(b []byte, kind tailKind, rank uint64) []byte {
	h := splitmix64(rank*8 + uint64(kind))
	switch kind {
	case tailSurname:
		st := surnameStyles[h%uint64(len(surnameStyles))]
		h /= uint64(len(surnameStyles))
		syll := 1 + int(h%2)
		h >>= 1
		suffix := st.suffixes[h%uint64(len(st.suffixes))]
		h /= uint64(len(st.suffixes))
		accents := st.accents
		if !ascii(suffix) {
			accents = nil // one accent a name is enough
		}
		b, _ = appendRoot(b, h, syll, accents)
		return append(b, suffix...)
	case tailFirst:
		b, h = appendRoot(b, h, 1+int(h%2), nil)
		return append(b, firstSuffixes[h%uint64(len(firstSuffixes))]...)
	case tailPlace:
		st := surnameStyles[h%uint64(len(surnameStyles))]
		h /= uint64(len(surnameStyles))
		suffix := placeSuffixes[h%uint64(len(placeSuffixes))]
		h /= uint64(len(placeSuffixes))
		accents := st.accents
		if !ascii(suffix) {
			accents = nil
		}
		b, _ = appendRoot(b, h, 1+int(h%2), accents)
		return append(b, suffix...)
	case tailCodename:
		b, h = appendRoot(b, h, 2, nil)
		return append(b, codeSuffixes[h%uint64(len(codeSuffixes))]...)
	default: // tailOrg: an acronym of 3 to 5 letters, sometimes with a digit
		n := 3 + int(h%3)
		h /= 3
		for range n {
			b = append(b, acronymFirst[h%uint64(len(acronymFirst))])
			h /= uint64(len(acronymFirst))
		}
		if h%8 == 0 {
			b = append(b, '0'+byte(h/8%9)+1)
		}
		return b
	}
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
