package schema

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// parserProblems are the problems yaml.v3's parser (not its scanner)
// reports. For them the "line N" of its message counts from 0 and names
// the line where the enclosing list or mapping starts: one line early.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// syntaxError turns yaml.v3's "yaml: line N: msg" into a located error.
// In a flow list or mapping ([a, b] or {k: v}), an unquoted ${NAME} is the
// likely cause: YAML reads its { as the start of a mapping.
func (d *decoder) syntaxError(err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, text, ok := strings.Cut(rest, ": "); ok {
			fmt.Sscanf(n, "%d", &line)
			msg = text
			if parserProblems[msg] {
				line++
			}
		}
	}
	if parserProblems[msg] {
		col = indentation(data, line) + 1
	}
	switch msg {
	case "did not find expected key":
		msg += " in the mapping that starts here; check the indentation of the lines below it"
	case "did not find expected '-' indicator":
		msg += " in the list that starts here; check the indentation of the lines below it"
	case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
		if l, c, ref, ok := unquotedVar(data, line); ok {
			line, col = l, c
			msg += fmt.Sprintf("; inside [ ] or { } a value with ${…} needs quotes: write \"%s\"", ref)
		}
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Msg: "invalid YAML: " + msg})
}

// unquotedVar finds the first ${…} outside quotes on line from (counted
// from 1) or on the lines below it that are indented further: the rest of
// a flow list or mapping that starts on that line.
func unquotedVar(data []byte, from int) (line, col int, ref string, ok bool) {
	lines := bytes.Split(data, []byte("\n"))
	if from < 1 || from > len(lines) {
		return 0, 0, "", false
	}
	indent := indentation(data, from)
	for i := from - 1; i < len(lines); i++ {
		text := lines[i]
		if i > from-1 && indentation(text, 1) <= indent {
			break
		}
		if at := unquotedVarIn(text); at >= 0 {
			ref := text[at:]
			if end := bytes.IndexByte(ref, '}'); end >= 0 {
				ref = ref[:end+1]
			}
			return i + 1, utf8.RuneCount(text[:at]) + 1, string(ref), true
		}
	}
	return 0, 0, "", false
}

// unquotedVarIn returns where the first ${ outside quotes in one line
// starts, or -1.
func unquotedVarIn(text []byte) int {
	var quote byte
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || text[i-1] == ' '):
			return -1
		case c == '$' && i+1 < len(text) && text[i+1] == '{':
			return i
		}
	}
	return -1
}

// indentation counts the spaces that start line n (from 1) of data.
func indentation(data []byte, n int) int {
	for range n - 1 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return 0
		}
		data = data[i+1:]
	}
	return len(data) - len(bytes.TrimLeft(data, " "))
}
