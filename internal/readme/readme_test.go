package readme

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository's root, relative to this package's directory, where go
// test runs.
const root = "../.."

// maxLines is the most lines the README may have.
const maxLines = 500

// testCommand is the README's command that runs every test of every module: a
// contract with its readers and with CI, kept word for word.
const testCommand = `sh -c 'for m in . benchmarks retry/retrygrpc retry/retryotel examples/breaker; do (cd "$m" && go test ./...) || exit 1; done'`

// programs are the files whose text the README shows, each in a go block of its own.
var programs = []string{
	"examples/quickstart/main.go",
	"examples/httpclient/main.go",
	"retry/retrygrpc/example/main.go",
	"examples/batch/main.go",
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lines returns the lines of text, as wc -l counts them, plus a last line without
// a newline.
func lines(text string) int {
	n := strings.Count(text, "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		n++
	}
	return n
}

// goBlocks returns the text of every ```go block of markdown, each with a newline at
// the end of every line, and the line each starts on.
func goBlocks(t *testing.T, markdown string) (blocks []string, starts []int) {
	t.Helper()
	var b strings.Builder
	in := false
	for i, line := range strings.Split(markdown, "\n") {
		switch {
		case !in && strings.HasPrefix(line, "```go"):
			in = true
			b.Reset()
			starts = append(starts, i+1)
		case in && strings.HasPrefix(line, "```"):
			in = false
			blocks = append(blocks, b.String())
		case in:
			b.WriteString(line + "\n")
		}
	}
	if in {
		t.Fatalf("README.md: the go block at line %d is not closed", starts[len(starts)-1])
	}
	return blocks, starts
}

func TestReadmeHasAtMost500Lines(t *testing.T) {
	if n := lines(readFile(t, "README.md")); n > maxLines {
		t.Errorf("README.md has %d lines, want at most %d: move long write-ups beside their examples", n, maxLines)
	}
}

func TestReadmeKeepsTheTestCommand(t *testing.T) {
	readme := readFile(t, "README.md")
	if !strings.Contains(readme, "\n"+testCommand+"\n") {
		t.Errorf("README.md does not have the line\n%s", testCommand)
	}
}

func TestReadmeGoBlocksAreProgramFiles(t *testing.T) {
	files := map[string]string{} // text -> name
	for _, name := range programs {
		files[readFile(t, name)] = name
	}
	blocks, starts := goBlocks(t, readFile(t, "README.md"))
	for i, block := range blocks {
		if _, ok := files[block]; !ok {
			t.Errorf("README.md: the go block at line %d is not byte for byte one of %v; copy the file into it", starts[i], programs)
		}
	}
}

func TestReadmeShowsEveryProgram(t *testing.T) {
	blocks, _ := goBlocks(t, readFile(t, "README.md"))
	shown := map[string]bool{}
	for _, block := range blocks {
		shown[block] = true
	}
	for _, name := range programs {
		if !shown[readFile(t, name)] {
			t.Errorf("README.md has no go block that is %s", name)
		}
	}
}

// cellSep splits a table row at the bars that are not escaped.
var cellSep = regexp.MustCompile(`(^|[^\\])\|`)

func TestReadmeTableRowsMatchTheirHeader(t *testing.T) {
	in, want, header := false, 0, 0
	for i, line := range strings.Split(readFile(t, "README.md"), "\n") {
		if strings.HasPrefix(line, "```") {
			in = !in
		}
		if in || !strings.HasPrefix(line, "|") {
			want = 0
			continue
		}
		n := len(cellSep.FindAllStringIndex(line, -1)) - 1
		if want == 0 {
			want, header = n, i+1
			continue
		}
		if n != want {
			t.Errorf("README.md:%d: %d cells, want %d as in the header at line %d", i+1, n, want, header)
		}
	}
}

// link matches the target of a Markdown link or image.
var link = regexp.MustCompile(`\]\(([^)\s]+)\)`)

func TestReadmeLinksResolve(t *testing.T) {
	for _, doc := range []string{"README.md", "examples/jittersim/README.md", "examples/overload/README.md"} {
		dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(doc)))
		for _, m := range link.FindAllStringSubmatch(readFile(t, doc), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "#") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target))); err != nil {
				t.Errorf("%s links to %s, which does not exist", doc, m[1])
			}
		}
	}
}
