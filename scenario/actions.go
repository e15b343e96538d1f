package scenario

import "github.com/saferpath/pathway"

// versionActions lists a version's action triggers.
func versionActions(v *pathway.Version) []rule { return nil }

// actionOutcomes gives, for each action trigger of v, the outcomes seen in
// assessment a.
func actionOutcomes(v *pathway.Version, a *pathway.Assessment) map[string][]string { return nil }
