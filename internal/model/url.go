package model

import (
	"net/url"
	"strings"
)

// trackingParams are query parameters that say how a reader came to a page,
// not which page it is; they are dropped from identity URLs.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true, "twclid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "igshid": true, "ref_src": true,
	"cmpid": true, "ncid": true, "sr_share": true, "at_medium": true, "at_campaign": true,
}

// NormalizeURL returns the identity form of an article URL: scheme and host
// lower-cased, default port, fragment and tracking parameters (utm_*, fbclid,
// ...) removed, an empty path made "/". Anything that does not parse as an
// absolute http(s) URL is returned unchanged.
func NormalizeURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "HTTP" && u.Scheme != "HTTPS") || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if h, p, ok := strings.Cut(u.Host, ":"); ok && ((u.Scheme == "http" && p == "80") || (u.Scheme == "https" && p == "443")) {
		u.Host = h
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		var kept []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			lk := strings.ToLower(k)
			if kv == "" || strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				continue
			}
			kept = append(kept, kv)
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	u.ForceQuery = false
	return u.String()
}
