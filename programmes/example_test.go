package programmes_test

import (
	"fmt"
	"strings"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
)

// A capacity ledger as on a date, from a case event log: the programmes,
// places and funding windows are those of the pack version in force on it.
func ExampleHistory_Replay() {
	log := `{"case":"C-1","type":"referred","on":"2023-05-02"}
{"case":"C-1","type":"assessed","on":"2023-05-09"}
{"case":"C-1","type":"allocated","on":"2023-05-10","programme":"da-groupwork"}
{"case":"C-2","type":"referred","on":"2023-05-03"}
{"case":"C-2","type":"assessed","on":"2023-05-09"}
{"case":"C-2","type":"allocated","on":"2023-05-11","programme":"cobi"}
{"case":"C-2","type":"started","on":"2023-05-20"}
`
	history, problems := programmes.ReadHistory("events.jsonl", strings.NewReader(log))
	if problems.HasErrors() {
		fmt.Println(problems)
		return
	}
	on := referral.MustDate("2023-06-30")
	version, err := pathway.Default().InForce(on)
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger, _ := history.Replay(version.Programmes, on)
	for _, a := range ledger.Accounts() {
		if !a.Capped {
			fmt.Printf("%s: %d allocated, no set number of places\n", a.ID, a.Used)
			continue
		}
		fmt.Printf("%s: %d of %d places used, %d started, %d waiting\n", a.ID, a.Used, a.Places, a.Started, len(a.Waiting))
		for _, g := range a.Groups {
			fmt.Printf("  group %d: %s\n", g.Number, strings.Join(g.Members, ", "))
		}
	}
	// Output:
	// cobi: 1 of 40 places used, 1 started, 0 waiting
	// healthy-relationships: 0 of 40 places used, 0 started, 0 waiting
	// da-groupwork: 1 of 80 places used, 0 started, 0 waiting
	//   group 1: C-1
	// early-response: 0 allocated, no set number of places
}
