package sqldb

import "testing"

func TestCrossesAnalyzeMark(t *testing.T) {
	tests := []struct {
		before, after int64
		want          bool
	}{
		{0, 9_999, false},
		{0, 10_000, true},
		{9_999, 10_000, true},
		{10_000, 39_999, false},
		{30_000, 40_000, true},
		{40_000, 50_000, false},
		{150_000, 170_000, true},
		{0, 1_000_000, true},
		{640_000, 1_000_000, false},
	}
	for _, tt := range tests {
		if got := crossesAnalyzeMark(tt.before, tt.after); got != tt.want {
			t.Errorf("crossesAnalyzeMark(%d, %d) = %v, want %v", tt.before, tt.after, got, tt.want)
		}
	}
}
