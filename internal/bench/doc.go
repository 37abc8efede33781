// Package bench holds Registre's benchmarks on generated data (up to a
// million people), for both databases. The figures go to docs/BENCHMARKS.md.
//
// The databases are kept between runs, since generating a million people
// takes a while: SQLite in REGISTRE_BENCH_SQLITE (default a file in the
// temporary folder), PostgreSQL in the schema bench_<n> of
// REGISTRE_BENCH_POSTGRES (default the test server). REGISTRE_BENCH_PEOPLE
// sets the size (default 1,000,000).
//
//	go test -run '^$' -bench . -benchtime 200x ./internal/bench/
package bench
