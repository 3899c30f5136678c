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
		if l, c, value, ok := unquotedVar(data, line); ok {
			line, col = l, c
			msg += fmt.Sprintf("; inside [ ] or { } a value with ${…} needs quotes: write \"%s\"", value)
		}
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Msg: "invalid YAML: " + msg})
}

// unquotedVar finds the value with the first ${…} outside quotes on line from (counted
// from 1) or on the lines below it that are indented further: the rest of
// a flow list or mapping that starts on that line.
func unquotedVar(data []byte, from int) (line, col int, value string, ok bool) {
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
			start, end := plainValue(text, at)
			return i + 1, utf8.RuneCount(text[:start]) + 1, string(text[start:end]), true
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

// plainValue returns where the unquoted value around the ${ at in a flow
// list or mapping starts and ends: between the flow punctuation around it,
// with each ${…} taken whole.
func plainValue(text []byte, at int) (start, end int) {
	start = bytes.LastIndexAny(text[:at], "[{,") + 1
	if colon := bytes.LastIndex(text[start:at], []byte(": ")); colon >= 0 {
		start += colon + 2
	}
	for start < at && text[start] == ' ' {
		start++
	}
	for end = at; end < len(text); end++ {
		if text[end] == '$' && end+1 < len(text) && text[end+1] == '{' {
			if close := bytes.IndexByte(text[end:], '}'); close >= 0 {
				end += close
				continue
			}
		}
		if bytes.IndexByte([]byte(",]}#"), text[end]) >= 0 {
			break
		}
	}
	return start, len(bytes.TrimRight(text[:end], " "))
}
