package yamlsrc

// ReadBothWays reads data once with the JSON reader and once with yaml's
// parser, for the tests that hold the two to the same results.
func ReadBothWays(name string, data []byte) (viaJSON, viaYAML *File) {
	f := &File{Name: name, Src: data, lines: lineStarts(data)}
	if root, d := f.parseJSON(); d == nil {
		f.Root = root
		viaJSON = f
	}
	g := &File{Name: name, Src: data, lines: lineStarts(data)}
	if y, problems := g.parseYAML(); len(problems) == 0 && y != nil {
		viaYAML = y
	}
	return viaJSON, viaYAML
}
