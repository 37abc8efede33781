package importer

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/registre/registre/internal/audit"
)

// Jobs runs imports in the background, detached from the request that
// started them. An import the process did not finish (a crash, a restart)
// is left "running" at its checkpoint, and Resume carries it on.
type Jobs struct {
	Service *Service
	Logger  *slog.Logger
	wg      sync.WaitGroup

	once     sync.Once
	stopping context.Context // ends when Stop is called
	stop     context.CancelFunc
	mu       sync.Mutex // orders Start's wg.Add before Stop's wg.Wait
}

func (j *Jobs) init() {
	j.once.Do(func() { j.stopping, j.stop = context.WithCancel(context.Background()) })
}

// Opener returns how to open an import's stored file.
func Opener(imp *Import) func() (Source, error) {
	sep := rune(0)
	if r := []rune(imp.Separator); len(r) == 1 {
		sep = r[0]
	}
	opt := CSVOptions{Encoding: imp.Encoding, Separator: sep}
	return func() (Source, error) { return OpenFile(imp.FilePath, imp.Format, opt) }
}

// Start runs a copy of imp in a goroutine (the caller keeps reading its
// own), as the actor in ctx; its file is removed once the import has
// finished (done or failed).
func (j *Jobs) Start(ctx context.Context, given *Import) {
	j.init()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.stopping.Err() != nil {
		return // shutting down: the import stays pending, and Resume starts it
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(j.stopping, cancel)
	imp := new(Import)
	*imp = *given
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		defer cancel()
		defer unhook()
		err := j.Service.Execute(ctx, imp, Opener(imp), nil)
		if imp.Finished() && imp.FilePath != "" {
			_ = os.Remove(imp.FilePath)
		}
		if err != nil && j.Logger != nil {
			// The error's text may quote database values: only its type
			// is logged; the import records what the user needs to know.
			j.Logger.Error("import stopped", "import", imp.PublicID, "workspace", imp.WorkspaceID,
				"status", string(imp.Status), "error_type", fmt.Sprintf("%T", err))
		}
	}()
}

// Resume starts the imports a previous process left unfinished, each as
// the actor who started it.
func (j *Jobs) Resume(ctx context.Context, list []Import) {
	for i := range list {
		imp := &list[i]
		if imp.Actor.Kind == "" {
			imp.Actor = audit.System
		}
		j.Start(audit.WithActor(ctx, imp.Actor), imp)
	}
}

// Wait waits for the running imports (tests).
func (j *Jobs) Wait() { j.wg.Wait() }

// Stop stops the running imports and waits for them: each ends within its
// current batch, whose transaction is rolled back, and stays "running" at
// its checkpoint for Resume to carry on. Imports started afterwards do
// not run (they stay pending for Resume). The server calls it before it
// closes the database.
func (j *Jobs) Stop() {
	j.init()
	j.mu.Lock()
	j.stop()
	j.mu.Unlock()
	j.wg.Wait()
}
