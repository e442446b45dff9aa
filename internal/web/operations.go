package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/digest"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// maxOperationArticles is how many articles naming an operation, newest
// first, the operations page and API read.
const maxOperationArticles = 2000

// operationCountries is how many countries an operation's row names before
// "+N".
const operationCountries = 3

// operationsNote says how the figures are summed; the page and the API
// both carry it.
const operationsNote = "Figures are those the text ties to the operation. Where several articles belong to one story " +
	"(several sources reporting the same event), only the largest figure of each kind and currency in that story counts, " +
	"so that one total is not counted twice; the stories' figures are then added up."

// opFigure is a summed figure of an operation: arrests, or money seized in
// one currency.
type opFigure struct {
	Kind  string
	Unit  string // the currency of money seized
	Value float64
	Text  string // as a reader says it
	// The sentence of the largest figure that went into the sum.
	ArticleID int64
	Figure    int    // 1-based, in that article's figures
	URL       string // /articles/ID#fig-N (no fragment when the sentence is not in the body)
	largest   float64
}

// opCountry is a subject country of an operation's articles.
type opCountry struct {
	Code     string // lower-case, as the country page's path has it
	Name     string
	Articles int
}

// URL is the country's page.
func (c opCountry) URL() string { return countryPath(c.Code) }

// operationRow is one operation, grouped by its lower-cased name.
type operationRow struct {
	Name      string
	Agency    string
	Period    string // ISO, as enrichment wrote it
	Query     string // the search for its articles
	URL       string
	Countries []opCountry // all, most articles first
	Shown     []opCountry // the first few
	More      int         // countries beyond Shown
	Arrests   *opFigure
	Money     []opFigure // per currency, by currency code
	Articles  int
	Stories   int
	Latest    time.Time

	key      string
	agencies map[string]int
	periods  map[string]int
	order    map[string]int // first-seen rank of each agency and period
	stories  map[int64]bool
	// figs is the largest figure per story, kind and unit.
	figs map[figKey]figSource
}

type figKey struct {
	story      int64
	kind, unit string
}

type figSource struct {
	value     float64
	articleID int64
	figure    int
	anchored  bool
}

// aggregateOperations groups the articles' operations by lower-cased name
// and sums their figures (see operationsNote); filter keeps the operations
// whose name contains it, ignoring case. Rows come newest first.
func aggregateOperations(arts []model.Article, filter string) []*operationRow {
	filter = strings.ToLower(strings.TrimSpace(filter))
	rows := map[string]*operationRow{}
	var list []*operationRow
	for _, a := range arts {
		if a.Facts == nil {
			continue
		}
		story := a.Story.ID
		if story == 0 {
			story = a.ID
		}
		var anchored []bool
		if len(a.Facts.Figures) > 0 {
			_, anchored = figureMarks(a.Blocks, a.Facts.Figures)
		}
		seen := map[string]bool{}
		for _, op := range a.Facts.Operations {
			key := strings.ToLower(strings.TrimSpace(op.Name))
			if key == "" || seen[key] || filter != "" && !strings.Contains(key, filter) {
				continue
			}
			seen[key] = true
			row, ok := rows[key]
			if !ok {
				row = &operationRow{Name: strings.TrimSpace(op.Name), key: key, agencies: map[string]int{}, periods: map[string]int{},
					order: map[string]int{}, stories: map[int64]bool{}, figs: map[figKey]figSource{}}
				row.Query = factQuery(store.FieldOperation, row.Name)
				row.URL = searchURL(row.Query, "newest")
				rows[key] = row
				list = append(list, row)
			}
			row.Articles++
			row.stories[story] = true
			if d := filedUnder(a); d.After(row.Latest) {
				row.Latest = d
			}
			count(row.agencies, row.order, "a:", op.Agency)
			count(row.periods, row.order, "p:", op.Period)
			for _, c := range a.Facts.Countries {
				if !c.Subject || c.Code == "" {
					continue
				}
				code := strings.ToLower(c.Code)
				found := false
				for i := range row.Countries {
					if row.Countries[i].Code == code {
						row.Countries[i].Articles++
						found = true
					}
				}
				if !found {
					name := c.Name
					if name == "" {
						name = c.Code
					}
					row.Countries = append(row.Countries, opCountry{Code: code, Name: name, Articles: 1})
				}
			}
			for i, f := range a.Facts.Figures {
				if strings.ToLower(strings.TrimSpace(f.About)) != key {
					continue
				}
				unit := ""
				switch f.Kind {
				case model.FigArrests:
				case model.FigMoneySeized:
					unit = strings.ToUpper(strings.TrimSpace(f.Unit))
					if unit == "" {
						continue // a sum of unknown currencies says nothing
					}
				default:
					continue
				}
				if f.Value <= 0 {
					continue
				}
				k := figKey{story: story, kind: f.Kind, unit: unit}
				if cur, ok := row.figs[k]; !ok || f.Value > cur.value {
					row.figs[k] = figSource{value: f.Value, articleID: a.ID, figure: i + 1, anchored: i < len(anchored) && anchored[i]}
				}
			}
		}
	}
	for _, row := range list {
		row.finish()
	}
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Latest.Equal(list[j].Latest) {
			return list[i].Latest.After(list[j].Latest)
		}
		return list[i].key < list[j].key
	})
	return list
}

// count tallies a non-empty value, remembering the order values came in.
func count(n map[string]int, order map[string]int, prefix, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	n[v]++
	if _, ok := order[prefix+v]; !ok {
		order[prefix+v] = len(order)
	}
}

// mostFrequent is the value counted most often, the first seen on a tie.
func mostFrequent(n map[string]int, order map[string]int, prefix string) string {
	best := ""
	for v, c := range n {
		if best == "" || c > n[best] || c == n[best] && order[prefix+v] < order[prefix+best] {
			best = v
		}
	}
	return best
}

// finish settles what the row shows once every article is counted.
func (row *operationRow) finish() {
	row.Agency = mostFrequent(row.agencies, row.order, "a:")
	row.Period = mostFrequent(row.periods, row.order, "p:")
	row.Stories = len(row.stories)
	sort.SliceStable(row.Countries, func(i, j int) bool {
		if row.Countries[i].Articles != row.Countries[j].Articles {
			return row.Countries[i].Articles > row.Countries[j].Articles
		}
		return row.Countries[i].Name < row.Countries[j].Name
	})
	row.Shown = row.Countries[:min(operationCountries, len(row.Countries))]
	row.More = len(row.Countries) - len(row.Shown)

	// Summed in a fixed order, so that the same articles give the same
	// floating-point total.
	keys := make([]figKey, 0, len(row.figs))
	for k := range row.figs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.unit != b.unit {
			return a.unit < b.unit
		}
		return a.story < b.story
	})
	sums := map[[2]string]*opFigure{}
	var order [][2]string
	for _, k := range keys {
		src := row.figs[k]
		sk := [2]string{k.kind, k.unit}
		sum, ok := sums[sk]
		if !ok {
			sum = &opFigure{Kind: k.kind, Unit: k.unit}
			sums[sk] = sum
			order = append(order, sk)
		}
		sum.Value += src.value
		// The link goes to the largest figure; on a tie, to the one in
		// the article stored first.
		if src.value > sum.largest || src.value == sum.largest && src.articleID < sum.ArticleID {
			sum.largest, sum.ArticleID, sum.Figure = src.value, src.articleID, src.figure
			sum.URL = "/articles/" + strconv.FormatInt(src.articleID, 10)
			if src.anchored {
				sum.URL += "#" + figAnchor(src.figure-1)
			}
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i][0] != order[j][0] {
			return order[i][0] == model.FigArrests
		}
		return order[i][1] < order[j][1]
	})
	for _, sk := range order {
		sum := sums[sk]
		sum.Text = digest.FormatFigure(model.Figure{Kind: sum.Kind, Value: sum.Value, Unit: sum.Unit})
		if sum.Kind == model.FigArrests {
			row.Arrests = sum
		} else {
			row.Money = append(row.Money, *sum)
		}
	}
}

// operations reads the operations of the newest articles that name one.
func (s *Server) operationRows(r *http.Request) ([]*operationRow, error) {
	arts, err := s.store.FactArticles(r.Context(), store.FieldOperation, "", maxOperationArticles)
	if err != nil {
		return nil, err
	}
	return aggregateOperations(arts, r.URL.Query().Get("q")), nil
}

// operationsPage is the data of operations.html.
type operationsPage struct {
	page
	Q    string
	Rows []*operationRow
	Note string
	Max  string // how many articles it reads
}

// operations lists every operation the articles name, newest first, with
// its summed figures.
func (s *Server) operations(w http.ResponseWriter, r *http.Request) {
	rows, err := s.operationRows(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "operations.html", operationsPage{page: s.page(r, "Operations", "operations"),
		Q: r.URL.Query().Get("q"), Rows: rows, Note: operationsNote, Max: groupNumber(maxOperationArticles)})
}

// apiOperations is the answer of GET /api/v1/operations.
type apiOperations struct {
	Operations []apiOperation `json:"operations"`
	Note       string         `json:"note"`
}

type apiOperation struct {
	Name        string         `json:"name"`
	Agency      string         `json:"agency"`
	Period      string         `json:"period"`
	Query       string         `json:"query"` // the search for its articles
	Countries   []apiCountry   `json:"countries"`
	Articles    int            `json:"articles"`
	Stories     int            `json:"stories"`
	Latest      string         `json:"latest"`
	Arrests     *apiFigureSum  `json:"arrests"`
	MoneySeized []apiFigureSum `json:"money_seized"`
}

// apiFigureSum is a summed figure and where its largest part is said.
type apiFigureSum struct {
	Value     float64 `json:"value"`
	Currency  string  `json:"currency,omitempty"`
	ArticleID int64   `json:"article_id"`
	Figure    int     `json:"figure"` // 1-based, in the article's figures
	URL       string  `json:"url"`    // the article page, at the sentence when it is in the body
}

// apiCountry is a country and how many articles name it.
type apiCountry struct {
	Code     string `json:"code"` // ISO 3166-1 alpha-2, upper-case
	Name     string `json:"name"`
	Articles int    `json:"articles"`
}

func figureSum(f opFigure) apiFigureSum {
	out := apiFigureSum{Value: f.Value, ArticleID: f.ArticleID, Figure: f.Figure, URL: f.URL}
	if f.Kind == model.FigMoneySeized {
		out.Currency = f.Unit
	}
	return out
}

func (s *Server) apiOperations(w http.ResponseWriter, r *http.Request) {
	rows, err := s.operationRows(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := apiOperations{Operations: []apiOperation{}, Note: operationsNote}
	for _, row := range rows {
		op := apiOperation{Name: row.Name, Agency: row.Agency, Period: row.Period, Query: row.Query,
			Countries: []apiCountry{}, Articles: row.Articles, Stories: row.Stories,
			Latest: row.Latest.UTC().Format(time.RFC3339), MoneySeized: []apiFigureSum{}}
		for _, c := range row.Countries {
			op.Countries = append(op.Countries, apiCountry{Code: strings.ToUpper(c.Code), Name: c.Name, Articles: c.Articles})
		}
		if row.Arrests != nil {
			a := figureSum(*row.Arrests)
			op.Arrests = &a
		}
		for _, m := range row.Money {
			op.MoneySeized = append(op.MoneySeized, figureSum(m))
		}
		out.Operations = append(out.Operations, op)
	}
	apiJSON(w, http.StatusOK, out)
}
