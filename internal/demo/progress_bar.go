package demo

import "io"

// ProgressBar is the one-line progress bar of Load, for other long
// commands (imports): [#####.....]  42% 420000/1000000  38,500 rows/s  ETA 15s.
type ProgressBar struct{ p *progress }

// NewProgressBar draws on w (nil for none) a bar for total rows.
func NewProgressBar(w io.Writer, total int) *ProgressBar {
	return &ProgressBar{p: newProgress(w, total)}
}

// Update records done rows, redrawing at most five times a second.
func (b *ProgressBar) Update(done int) { b.p.update(done) }

// Finish draws the final state and ends the line.
func (b *ProgressBar) Finish() { b.p.finish() }
