package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// complete asks the hidden __complete command, as a shell's completion
// script does, and returns the values offered (without descriptions) and
// the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, stdout, _ := runCLI(t, "", append([]string{"__complete"}, args...)...)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	require.NotEmpty(t, lines)
	directive := lines[len(lines)-1]
	var values []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		values = append(values, name)
	}
	return values, directive
}

// noFiles is the directive that tells the shell to offer no file names.
const noFiles = ":4"

func TestFlagCompletion(t *testing.T) {
	defer func(f func() time.Time) { today = f }(today)
	today = func() time.Time { return time.Date(2025, time.February, 10, 12, 0, 0, 0, time.UTC) }
	periods := []string{
		"2024/25", "2024/25-Q1", "2024/25-Q2", "2024/25-Q3", "2024/25-Q4",
		"2023/24", "2023/24-Q1", "2023/24-Q2", "2023/24-Q3", "2023/24-Q4",
		"2022/23", "2022/23-Q1", "2022/23-Q2", "2022/23-Q3", "2022/23-Q4",
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"check --format", []string{"check", "--format", ""}, []string{"json", "text"}},
		{"validate --format", []string{"validate", "--format", ""}, []string{"text", "json"}},
		{"lint --format", []string{"lint", "--format", ""}, []string{"compact", "gcc", "text", "json", "sarif"}},
		{"lint --format, begun", []string{"lint", "--format", "s"}, []string{"sarif"}},
		{"test --format", []string{"test", "--format", ""}, []string{"text", "json", "junit"}},
		{"impact --format", []string{"impact", "--format", ""}, []string{"text", "json"}},
		{"capacity --format", []string{"capacity", "--format", ""}, []string{"text", "json"}},
		{"report --format", []string{"report", "--format", ""}, []string{"md", "json", "csv", "html"}},
		{"redact --format", []string{"redact", "--format", ""}, []string{"json"}},
		{"report --period: three financial years and their quarters, latest first", []string{"report", "--period", ""}, periods},
		{"report --period, begun", []string{"report", "--period", "2023/24-"}, []string{"2023/24-Q1", "2023/24-Q2", "2023/24-Q3", "2023/24-Q4"}},
		{"report --period, nothing matches", []string{"report", "--period", "1999"}, nil},
		{"report --input-format", []string{"report", "--input-format", ""}, []string{"jsonl", "csv", "auto"}},
		{"capacity --input-format", []string{"capacity", "--input-format", ""}, []string{"jsonl", "csv", "auto"}},
		{"redact --role", []string{"redact", "--role", ""}, []string{"police-coordinator", "provider", "victim-link-worker", "referrer", "commissioner"}},
		{"a date: nothing to offer", []string{"check", "--at", ""}, nil},
		{"a number: nothing to offer", []string{"test", "--min-coverage", ""}, nil},
		{"serve --log-level", []string{"serve", "--log-level", ""}, []string{"debug", "info", "warn", "error"}},
		{"serve --outbox-max: a number", []string{"serve", "--outbox-max", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values, directive := complete(t, tt.args...)
			assert.Equal(t, tt.want, values)
			assert.Equal(t, noFiles, directive, "no file names are offered for a flag's value")
		})
	}
}

// The outbox is a folder: the shell offers folders only.
func TestOutboxCompletesFolders(t *testing.T) {
	values, directive := complete(t, "serve", "--outbox", "")
	assert.Empty(t, values)
	assert.Equal(t, ":16", directive, "folders only")
}

// The financial year turns on 1 April: on 31 March the year that ends is
// the latest; on 1 April the one that starts.
func TestPeriodCompletionTurnsOnTheFirstOfApril(t *testing.T) {
	defer func(f func() time.Time) { today = f }(today)
	tests := []struct {
		name   string
		day    time.Time
		latest string
	}{
		{"31 March", time.Date(2025, time.March, 31, 23, 0, 0, 0, time.UTC), "2024/25"},
		{"1 April", time.Date(2025, time.April, 1, 0, 0, 0, 0, time.UTC), "2025/26"},
		{"31 December", time.Date(2025, time.December, 31, 0, 0, 0, 0, time.UTC), "2025/26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			today = func() time.Time { return tt.day }
			values, _ := complete(t, "report", "--period", "")
			require.Len(t, values, 15)
			assert.Equal(t, tt.latest, values[0])
		})
	}
}

// Every format offered is one the command accepts: completing never
// offers a value that is then refused.
func TestCompletedFormatsAreAccepted(t *testing.T) {
	for _, cmd := range []string{"check", "validate", "lint", "test", "impact", "capacity", "report", "redact"} {
		values, _ := complete(t, cmd, "--format", "")
		for _, v := range values {
			t.Run(cmd+" "+v, func(t *testing.T) {
				args := []string{cmd, "--format", v, "no-such-file.json"}
				// The flags each command needs, so that it goes on to read
				// the file.
				switch cmd {
				case "report":
					args = append(args, "--period", "2023/24")
				case "impact":
					args = append(args, "--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter")
				case "redact":
					args = append(args, "--role", "provider")
				}
				_, stdout, stderr := runCLI(t, "", args...)
				said := stdout + stderr
				require.Contains(t, said, "no-such-file", "the file is missing: the command must say so")
				assert.NotContains(t, said, "--format", "the format offered is refused")
				assert.NotContains(t, said, "not a report format")
			})
		}
	}
}
