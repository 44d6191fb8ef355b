package lower

import (
	"fmt"

	"github.com/sigc-dev/sigc/ir/diag"
	"regexp"
	"regexp/syntax"
	"strings"
)

// MaxRegexLen caps the length of a regex value. RE2 guarantees linear-time
// matching, but compiling a multi-megabyte pattern per rule is still a
// denial of service; real rules stay far below this.
const MaxRegexLen = 32 << 10

// checkRegex describes why src is not a regex in Sigma's flavour, with
// the byte offset of the problem inside src (or -1). The flavour is the
// specification's PCRE subset; we accept what PCRE and RE2 both implement
// with the same meaning (escapes such as \d, \s, \w, \b, non-capturing
// groups and inline flags included, since the corpus relies on them), and
// refuse what only one of them has: lookaround, backreferences, atomic
// groups, possessive quantifiers, \Z, named-group syntax differences.
// The code is CodeRegexFlavour for constructs outside the flavour and
// CodeRegex for patterns that do not compile at all.
func checkRegex(src, flags string) (string, int, diag.Code) {
	if len(src) > MaxRegexLen {
		return fmt.Sprintf("regular expression is %d bytes long, over the %d-byte limit", len(src), MaxRegexLen), 0, diag.CodeRegexFlavour
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\\' && i+1 < len(src) {
			n := src[i+1]
			switch {
			case n >= '1' && n <= '9':
				return fmt.Sprintf("backreference \\%c is not in Sigma's regex flavour (nor supported by RE2-based engines)", n), i, diag.CodeRegexFlavour
			case n == 'k' && i+2 < len(src) && (src[i+2] == '<' || src[i+2] == '{' || src[i+2] == '\''):
				return "named backreference \\k is not in Sigma's regex flavour", i, diag.CodeRegexFlavour
			case n == 'Z' || n == 'G':
				return fmt.Sprintf("anchor \\%c is not in Sigma's regex flavour; use $", n), i, diag.CodeRegexFlavour
			}
			i++
			continue
		}
		if c == '[' {
			// Skip a character class: nothing inside it is a group or
			// quantifier. `]` right after `[` or `[^` is a literal.
			j := i + 1
			if j < len(src) && src[j] == '^' {
				j++
			}
			if j < len(src) && src[j] == ']' {
				j++
			}
			for j < len(src) && src[j] != ']' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			i = j
			continue
		}
		if c == '(' && i+2 < len(src) && src[i+1] == '?' {
			rest := src[i+2:]
			switch {
			case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"):
				return "lookahead (?= / (?! is not in Sigma's regex flavour (nor supported by RE2-based engines)", i, diag.CodeRegexFlavour
			case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
				return "lookbehind (?<= / (?<! is not in Sigma's regex flavour (nor supported by RE2-based engines)", i, diag.CodeRegexFlavour
			case strings.HasPrefix(rest, ">"):
				return "atomic group (?> is not in Sigma's regex flavour", i, diag.CodeRegexFlavour
			case strings.HasPrefix(rest, "#"):
				return "regex comment (?# is not in Sigma's regex flavour", i, diag.CodeRegexFlavour
			}
		}
		if (c == '+' || c == '*' || c == '?' || c == '}') && i+1 < len(src) && src[i+1] == '+' && i > 0 && src[i-1] != '\\' {
			return "possessive quantifier is not in Sigma's regex flavour", i + 1, diag.CodeRegexFlavour
		}
	}
	if _, err := syntax.Parse(goRegexSource(src, flags), syntax.Perl); err != nil {
		msg := err.Error()
		if se, ok := err.(*syntax.Error); ok {
			msg = fmt.Sprintf("%s in %q", describeRegexErr(se.Code), se.Expr)
		}
		return "regular expression does not compile: " + msg, -1, diag.CodeRegex
	}
	if _, err := regexp.Compile(goRegexSource(src, flags)); err != nil {
		return "regular expression does not compile: " + err.Error(), -1, diag.CodeRegex
	}
	return "", -1, ""
}

// goRegexSource returns the pattern with its Sigma flags as an inline group.
func goRegexSource(src, flags string) string {
	if flags == "" {
		return src
	}
	return "(?" + flags + ")" + src
}

func describeRegexErr(c syntax.ErrorCode) string {
	switch c {
	case syntax.ErrMissingParen:
		return "unbalanced parenthesis"
	case syntax.ErrMissingBracket:
		return "unclosed character class"
	case syntax.ErrMissingRepeatArgument:
		return "quantifier without anything to repeat"
	case syntax.ErrInvalidRepeatSize:
		return "repetition count too large (over 1000) or invalid"
	case syntax.ErrInvalidEscape:
		return "invalid escape sequence"
	case syntax.ErrInvalidPerlOp:
		return "unsupported (?...) group"
	}
	return string(c)
}
