// Command pathway assesses referrals to domestic abuse and stalking
// perpetrator programmes, checks rule packs, runs scenario files and
// reports outcomes. Run "pathway --help" for the commands.
//
// Exit statuses: 0 success; 1 the input was read but is invalid (an invalid
// referral, a rule pack with problems, failing scenarios, bad events); 2 a
// usage error, an unreadable file or a broken rule pack.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/internal/safetext"
)

// exitError carries an exit status out of a command. Its message, if any,
// has already been printed or is printed by main.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageErr is an exit-2 error with a message for stderr.
func usageErr(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

// exitCode is an error that only sets the exit status; everything was
// already printed.
func exitCode(code int) error { return &exitError{code: code} }

// commands are added by each command's file in its init function.
var commands []func() *cobra.Command

// addTemplateFuncs registers the template functions of the help and
// version texts, once: cobra keeps them in one map for the process, and
// tests run the command from several goroutines at once.
var addTemplateFuncs = sync.OnceFunc(func() { cobra.AddTemplateFunc("pathwayVersion", versionText) })

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "pathway",
		Short: "Referrals to domestic abuse and stalking perpetrator programmes",
		Long: `Pathway checks referrals to domestic abuse and stalking perpetrator programmes
against a rule pack, explains its decisions, lists victim-safety actions and
reports outcomes. With no --rules, the embedded default pack (kent) is used.`,
		Version:       "-", // --version prints versionText, worked out only then
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	addTemplateFuncs()
	root.SetVersionTemplate("{{pathwayVersion}}")
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}

// run executes the CLI with args and returns the exit status. Everything
// it writes, to stdout and to stderr, in every format, goes through a
// safetext.Writer: a control character or a bidirectional control from a
// referral, a rule pack or a file name reaches the terminal escaped.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out, errOut := safetext.NewWriter(stdout), safetext.NewWriter(stderr)
	defer func() {
		_ = out.Flush()
		_ = errOut.Flush()
	}()
	return execute(args, stdin, out, errOut)
}

// rawWriter returns the writer under run's escaping writer, for output
// that must reach a terminal as it is: a progress bar Pathway draws itself
// with terminal codes, and the check that stderr is a terminal.
func rawWriter(w io.Writer) io.Writer {
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		return u.Unwrap()
	}
	return w
}

func execute(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "pathway:", ee.msg)
		}
		return ee.code
	}
	// cobra's own errors: unknown command, bad flag, wrong argument count.
	fmt.Fprintln(stderr, "pathway:", err)
	fmt.Fprintln(stderr, `Run "pathway --help" for usage.`)
	return 2
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
