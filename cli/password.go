package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chartroom/chartroom/records"
	"golang.org/x/term"
)

// lineReader reads standard input one line at a time, for passwords piped
// in by a script (first the acting user's, then a new one).
type lineReader struct{ r *bufio.Reader }

func (l *lineReader) readLine() (string, error) {
	s, err := l.r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// terminal returns stdin's file descriptor when a person is typing at it.
func (c *invocation) terminal() (int, bool) {
	f, ok := c.stdin.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// isTerminal reports whether w is a terminal a person watches.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// readPassword asks for a password: on a terminal with the prompt on stderr
// and no echo, otherwise as one line of standard input.
func (c *invocation) readPassword(prompt string) (string, error) {
	return c.readSecret(prompt, "no password given: set CHARTROOM_PASSWORD, type it at the prompt or give it as a line on standard input")
}

// readSecret asks for a password or passphrase: on a terminal with the
// prompt on stderr and no echo, otherwise as one line of standard input;
// missing is the message when there is neither.
func (c *invocation) readSecret(prompt, missing string) (string, error) {
	if fd, ok := c.terminal(); ok {
		fmt.Fprint(c.stderr, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", fmt.Errorf("reading what was typed: %w", err)
		}
		return string(b), nil
	}
	if c.lines == nil {
		c.lines = &lineReader{r: bufio.NewReader(c.stdin)}
	}
	pw, err := c.lines.readLine()
	if err != nil {
		return "", usagef("%s", missing)
	}
	return pw, nil
}

// newPassword gets a password being set: from the environment variable
// envName when set, else typed twice on a terminal, else one line of
// standard input.
func (c *invocation) newPassword(envName, who string) (string, error) {
	return c.newSecret(envName, "New password for "+who+": ", "password")
}

// newSecret gets a password or passphrase (noun) being set: from the
// environment variable envName when set, else typed twice on a terminal,
// else one line of standard input.
func (c *invocation) newSecret(envName, prompt, noun string) (string, error) {
	if pw := c.env(envName); pw != "" {
		return pw, nil
	}
	pw, err := c.readSecret(prompt, fmt.Sprintf("no new %s given: set %s, type it at the prompt or give it as a line on standard input", noun, envName))
	if err != nil {
		return "", err
	}
	if _, ok := c.terminal(); ok {
		again, err := c.readSecret("Type it again: ", "")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", records.Errorf(records.EInvalid, "the two %ss typed differ; nothing was changed", noun)
		}
	}
	return pw, nil
}
