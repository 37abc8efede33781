package web

import (
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/i18n"
)

// TestEnumsReadInBothLanguages: the pages show reasons and call outcomes
// through prefixed keys, which the template scan of package i18n cannot
// see.
func TestEnumsReadInBothLanguages(t *testing.T) {
	var keys []string
	for _, r := range consent.Reasons {
		keys = append(keys, "reason."+string(r))
	}
	for _, o := range crm.CallOutcomes {
		keys = append(keys, "outcome."+string(o))
	}
	for _, k := range keys {
		for _, lang := range []i18n.Lang{i18n.FR, i18n.EN} {
			if i18n.T(lang, k) == k {
				t.Errorf("%s: no %s text", k, lang)
			}
		}
	}
}
