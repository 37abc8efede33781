package consent

import (
	"os"
	"regexp"
	"testing"
)

// TestReasonsListsEveryReason keeps the Reasons list (which the pages
// translate) in step with the constants.
func TestReasonsListsEveryReason(t *testing.T) {
	src, err := os.ReadFile("rules.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := regexp.MustCompile(`(?m)^\s+Reason\w+\s+Reason = "`).FindAll(src, -1)
	if len(declared) != len(Reasons) {
		t.Errorf("rules.go declares %d reasons, Reasons lists %d", len(declared), len(Reasons))
	}
}
