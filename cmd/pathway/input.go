package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/internal/yamlsrc"
)

// maxReferralSize bounds what is read of one referral file or of standard
// input: the decoder accepts no more.
const maxReferralSize = yamlsrc.MaxSize

// inputError says why a file named on the command line was not read, and
// what to do. It never says what the file holds.
type inputError struct{ reason string }

func (e *inputError) Error() string { return e.reason }

// kindOf names what a file that is not a regular file is.
func kindOf(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// notRegular is the error for a file that is a folder, a device, a named
// pipe or a socket.
func notRegular(mode fs.FileMode, what string) error {
	kind := kindOf(mode)
	if kind == "not a regular file" {
		return &inputError{fmt.Sprintf("it is not a regular file; name %s", what)}
	}
	return &inputError{fmt.Sprintf("it is %s, not a regular file; name %s", kind, what)}
}

// openRegular opens name for reading when it is a regular file. It looks
// before it opens: a folder, a device, a named pipe or a socket is refused
// at once, without being opened (opening a named pipe waits for a writer).
// The file is opened without waiting and looked at again, in case it was
// replaced in between. what says what to name instead ("a JSON or YAML
// referral file").
func openRegular(name, what string) (*os.File, fs.FileInfo, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil, notRegular(info.Mode(), what)
	}
	f, err := os.OpenFile(name, os.O_RDONLY|openNoWait, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err = f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		_ = f.Close()
		return nil, nil, notRegular(info.Mode(), what)
	}
	return f, info, nil
}

// readInput reads a referral: a regular file of at most maxReferralSize
// bytes, its size checked before it is read, or standard input for "-",
// read through a limit of the same size. A folder, a device or a named pipe
// is refused at once.
func readInput(stdin io.Reader, name string) ([]byte, error) {
	const what = "a JSON or YAML referral file, or - for standard input"
	tooLarge := func(size string) error {
		return &inputError{fmt.Sprintf("it is too large: %s, and a referral may be at most %d MiB (%d bytes); check that it is a single referral",
			size, maxReferralSize>>20, maxReferralSize)}
	}
	if name == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, maxReferralSize+1))
		if err != nil {
			return nil, &inputError{"standard input could not be read to the end"}
		}
		if len(data) > maxReferralSize {
			return nil, tooLarge(fmt.Sprintf("more than %d bytes came", maxReferralSize))
		}
		return data, nil
	}
	f, info, err := openRegular(name, what)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Size() > maxReferralSize {
		return nil, tooLarge(fmt.Sprintf("%d bytes", info.Size()))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxReferralSize+1))
	if err != nil {
		return nil, &inputError{"it could not be read to the end"}
	}
	if len(data) > maxReferralSize {
		return nil, tooLarge("it grew while it was read")
	}
	return data, nil
}

// openInput opens a JSON Lines file, or standard input for "-", and gives
// its size when it is a file (0 for standard input). The file must be a
// regular file: a folder, a device or a named pipe is refused at once. It
// is read line by line, each line bounded (see package batch), so its size
// is not.
func openInput(stdin io.Reader, name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(stdin), 0, nil
	}
	f, info, err := openRegular(name, "a JSON Lines file, one referral a line, or - for standard input")
	if err != nil {
		return nil, 0, err
	}
	return f, info.Size(), nil
}

// ioReason is the reason of a file error without Go's operation prefix.
func ioReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// shown names an input in messages: its name as typed, escaped (see
// package safetext), or "standard input" for "-".
func shown(name string) string {
	if name == "-" {
		return "standard input"
	}
	return safetext.String(name)
}
