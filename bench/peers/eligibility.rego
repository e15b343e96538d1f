# The six eligibility rules of the kent pack's 2022-08 version, translated
# to Rego by hand. Each rule is true when the pack's `when` is true: a
# criterion is met, an exclusion applies. Rego has no date type: input.today
# and input.subject.nextCourtDate are days since 1970-01-01. A missing answer
# is left out of the input, and leaves its rule false.
package kent.eligibility

default accepts_responsibility := false

accepts_responsibility if input.subject.acceptsResponsibility in {"some", "full"}

default substance_misuse_manageable := false

substance_misuse_manageable if input.subject.substanceMisuse in {"none", "managed", "manageable"}

default mental_health_manageable := false

mental_health_manageable if input.subject.mentalHealth in {"none", "managed", "manageable"}

default consents_to_information_sharing := false

consents_to_information_sharing if input.subject.consentsToInformationSharing == true

default subject_to_order := false

subject_to_order if input.subject.currentOrder in {"custodial", "community"}

default order_likely_within_12_weeks := false

order_likely_within_12_weeks if {
	input.subject.likelyOrder in {"custodial", "community"}
	input.subject.nextCourtDate - input.today <= 84
}

# The conditions in the pack's order, queried once per referral.
conditions := [
	accepts_responsibility,
	substance_misuse_manageable,
	mental_health_manageable,
	consents_to_information_sharing,
	subject_to_order,
	order_likely_within_12_weeks,
]
