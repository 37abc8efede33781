package demo

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

const (
	barWidth    = 30
	redrawEvery = 200 * time.Millisecond // at most five redraws a second
)

// progress draws a one-line bar, redrawn in place with a carriage return:
// [#####.....]  42% 420000/1000000  38,500 rows/s  ETA 15s
// Rows are people; their emails, phones and organisations come with them.
type progress struct {
	w           io.Writer
	total, done int
	start, last time.Time
	width       int // of the previous line, to blank what a shorter one leaves
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, start: time.Now()}
}

// update records done rows and redraws if the last redraw is old enough.
func (p *progress) update(done int) {
	p.done = done
	if p.w == nil || time.Since(p.last) < redrawEvery {
		return
	}
	p.draw()
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.draw()
	fmt.Fprintln(p.w)
}

func (p *progress) draw() {
	p.last = time.Now()
	line := p.line(p.last.Sub(p.start))
	pad := max(0, p.width-len(line))
	p.width = len(line)
	fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", pad))
}

func (p *progress) line(elapsed time.Duration) string {
	frac := 1.0
	if p.total > 0 {
		frac = float64(p.done) / float64(p.total)
	}
	filled := int(frac * barWidth)
	// Before a redraw interval has passed the rate is noise (the first
	// batch over a few microseconds read as a billion rows a second).
	rate, speed, eta := 0.0, "…", "?"
	if s := elapsed.Seconds(); elapsed >= redrawEvery {
		rate = float64(p.done) / s
		speed = thousands(int64(rate))
	}
	if rate > 0 {
		eta = time.Duration(float64(p.total-p.done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("[%s%s] %3d%% %d/%d  %s rows/s  ETA %s", strings.Repeat("#", filled),
		strings.Repeat(".", barWidth-filled), int(frac*100), p.done, p.total, speed, eta)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
