//go:build race

package index

// raceEnabled: the race detector slows training tenfold; measurement-only tests skip.
const raceEnabled = true
