// Package readme holds no code: its tests keep the repository's README.md honest.
// The README stays at most 500 lines, it keeps the test command that runs every
// module's tests, each of its Go programs is byte for byte one of the runnable
// programs (examples/quickstart, examples/httpclient, examples/batch and
// retry/retrygrpc/example, each run by a test of its own), every one of them
// appears, its tables have as many cells in each row as in their header, and its
// relative links, and those of the write-ups it links to, lead to files that exist.
package readme
