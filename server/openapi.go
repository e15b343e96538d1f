package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/invopop/jsonschema"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// OpenAPI returns the OpenAPI 3.1 document of the service (GET
// /openapi.json). Its schemas are the ones "pathway schema referral" and
// "pathway schema assessment" print, from the same generators, with their
// definitions moved under components/schemas; the answers' envelopes are
// generated from their Go types the same way.
func OpenAPI() ([]byte, error) {
	c := schemas{}
	ref, err := referral.Schema()
	if err != nil {
		return nil, err
	}
	if err := c.hoist("Referral", ref, "", nil); err != nil {
		return nil, err
	}
	if err := c.hoist("ReferralView", ref, "View", relax); err != nil {
		return nil, err
	}
	as, err := pathway.AssessmentSchema()
	if err != nil {
		return nil, err
	}
	if err := c.hoist("Assessment", as, "", nil); err != nil {
		return nil, err
	}
	for name, v := range map[string]any{
		"Problems": &errorDoc{}, "Validation": &validation{}, "PackInfo": &PackInfo{}, "Health": &health{}, "DecisionRecord": &DecisionRecord{},
		"FormDescription": &FormDescription{}, "Receipt": &Receipt{},
	} {
		data, err := envelope(v)
		if err != nil {
			return nil, err
		}
		if err := c.hoist(name, data, "", nil); err != nil {
			return nil, err
		}
	}
	describeComponents(c)

	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Pathway decision service",
			"version": "1",
			"summary": "Assess, validate and redact referrals to domestic abuse and stalking perpetrator programmes.",
			"description": "The HTTP interface of Pathway for agency systems in any language: the same documents as the pathway command. " +
				"Every /v1 request needs a bearer token; its role decides what /v1/redact returns. Every assessment is recorded in the " +
				"decision log under the decision id sent as X-Decision-Id, without any personal value. Problems are diagnostics with a stable " +
				"code, a summary, a detail that ends with what to do, and the path (and, where there is one, the line and column of the body) " +
				"of the value concerned; they never repeat a personal value.",
			"license": map[string]any{"name": "Apache-2.0", "identifier": "Apache-2.0"},
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths":    paths(),
		"components": map[string]any{
			"schemas": map[string]any(c),
			"securitySchemes": map[string]any{"bearer": map[string]any{
				"type": "http", "scheme": "bearer",
				"description": "A token issued to the calling system. The service holds only its SHA-256, with a name and a sharing role.",
			}},
			"headers": map[string]any{"X-Decision-Id": map[string]any{
				"description": "The decision id under which the assessment is recorded in the decision log. For JSON Lines, the request's id: line N's decision is recorded as ID/N.",
				"schema":      map[string]any{"type": "string"},
			}},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// schemas are the document's components/schemas.
type schemas map[string]any

// hoist adds the JSON Schema data under name, with its $defs beside it
// (named with suffix added) and every reference rewritten to point there.
// transform, when given, changes the schema and its definitions first.
// A name used twice must name the same schema.
func (c schemas) hoist(name string, data []byte, suffix string, transform func(any)) error {
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		return err
	}
	defs, _ := root["$defs"].(map[string]any)
	delete(root, "$defs")
	delete(root, "$schema")
	delete(root, "$id")
	all := map[string]any{name: root}
	for k, v := range defs {
		all[k+suffix] = v
	}
	for k, v := range all {
		if transform != nil {
			transform(v)
		}
		rewriteRefs(v, suffix)
		if old, ok := c[k]; ok && !reflect.DeepEqual(old, v) {
			return fmt.Errorf("two different schemas are named %s", k)
		}
		c[k] = v
	}
	return nil
}

// rewriteRefs points #/$defs/X references at #/components/schemas/X+suffix.
func rewriteRefs(v any, suffix string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" && strings.HasPrefix(s, "#/$defs/") {
				v[k] = "#/components/schemas/" + strings.TrimPrefix(s, "#/$defs/") + suffix
				continue
			}
			rewriteRefs(x, suffix)
		}
	case []any:
		for _, x := range v {
			rewriteRefs(x, suffix)
		}
	}
}

// relax turns the referral's schema into the schema of a role's view of
// one: the same fields and types, but nothing required, no enumerations,
// no lower bounds on text or lists and none of the conditions that link
// answers, since a withheld answer is absent or empty.
func relax(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"required", "minLength", "minItems", "enum"} {
			delete(v, k)
		}
		if _, ok := v["properties"]; ok {
			// An object's allOf and anyOf are the conditions.
			delete(v, "allOf")
			delete(v, "anyOf")
		}
		for _, x := range v {
			relax(x)
		}
	case []any:
		for _, x := range v {
			relax(x)
		}
	}
}

// envelope generates the schema of one of the service's own answers, with
// references to the shared definitions for diagnostics and pack stamps.
func envelope(v any) ([]byte, error) {
	r := &jsonschema.Reflector{
		Anonymous:      true,
		ExpandedStruct: true,
		Namer:          func(t reflect.Type) string { return t.Name() },
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeFor[referral.Date]():
				return &jsonschema.Schema{Type: "string", Format: "date"}
			case reflect.TypeFor[time.Time]():
				return &jsonschema.Schema{Type: "string", Format: "date-time"}
			case reflect.TypeFor[diag.List]():
				return &jsonschema.Schema{Ref: "#/components/schemas/Diagnostics"}
			case reflect.TypeFor[pathway.Stamp]():
				return &jsonschema.Schema{Ref: "#/components/schemas/Stamp"}
			case reflect.TypeFor[pathway.Assessment](), reflect.TypeFor[*pathway.Assessment]():
				return &jsonschema.Schema{Ref: "#/components/schemas/Assessment"}
			case reflect.TypeFor[pathway.Decision]():
				return &jsonschema.Schema{Type: "string", Enum: []any{string(pathway.Eligible), string(pathway.Ineligible), string(pathway.Incomplete), string(pathway.Invalid)}}
			}
			return nil
		},
	}
	s := r.Reflect(v)
	return json.Marshal(s)
}

// describeComponents adds the descriptions people read.
func describeComponents(c schemas) {
	set := func(name, desc string) {
		if m, ok := c[name].(map[string]any); ok {
			m["description"] = desc
		}
	}
	set("Referral", "A referral that passes validation (wire format v1). The service also reads, and assesses, a referral that fails this schema: its assessment is invalid (422), says why and still lists the safety actions.")
	set("ReferralView", "A referral as one role of the partnership may see it: withheld answers are absent or empty; lists keep their length, so victim and child numbers in actions still match.")
	set("Problems", "Why a request could not be answered: diagnostics, as the pathway command reports them, without source lines.")
	set("Validation", "A referral's validation: valid, or invalid with its problems.")
	set("PackInfo", "The rule pack being served: its versions, when each is in force, their digests, and their programmes with sessions and capacities.")
	set("Health", "The service's state.")
	set("DecisionRecord", "One line of the decision log (not an HTTP answer): the decision and its ids, never a personal value.")
	set("FormDescription", "What the referral form page is built from: every question of the referral, from its one description, where the page sends the answers, and the titles of the pack's rules, programmes and safety actions.")
	set("Receipt", "A referral sent from the form: written to the outbox under its reference, its decision recorded; what happens next, and its assessment.")
	if v, ok := c["Validation"].(map[string]any); ok {
		if props, ok := v["properties"].(map[string]any); ok {
			if st, ok := props["status"].(map[string]any); ok {
				st["enum"] = []any{"valid", "invalid"}
			}
		}
	}
}

// paths describes the endpoints.
func paths() map[string]any {
	schema := func(name string) map[string]any {
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	jsonOf := func(name string) map[string]any {
		return map[string]any{"application/json": map[string]any{"schema": schema(name)}}
	}
	answer := func(desc, name string) map[string]any {
		return map[string]any{"description": desc, "content": jsonOf(name)}
	}
	decisionHeader := map[string]any{"X-Decision-Id": map[string]any{"$ref": "#/components/headers/X-Decision-Id"}}
	problems := func(desc string) map[string]any { return answer(desc, "Problems") }
	common := map[string]any{
		"401": map[string]any{"description": "No token, or a token the service does not know. The answer says nothing more.",
			"headers": map[string]any{"WWW-Authenticate": map[string]any{"schema": map[string]any{"type": "string"}}},
			"content": jsonOf("Problems")},
		"500": problems("The service could not answer; the fault is logged."),
	}
	with := func(m map[string]any) map[string]any {
		for k, v := range common {
			m[k] = v
		}
		return m
	}
	body := func(desc string, lines bool) map[string]any {
		submission := map[string]any{"type": "object", "description": "A referral, valid or not; see Referral for a valid one."}
		content := map[string]any{
			"application/json": map[string]any{"schema": submission},
			"application/yaml": map[string]any{"schema": submission},
		}
		if lines {
			content["application/x-ndjson"] = map[string]any{"schema": map[string]any{"type": "string",
				"description": "JSON Lines: one referral (a JSON object) a line, each at most 4 MiB; blank lines are skipped."}}
		}
		return map[string]any{"required": true, "description": desc, "content": content}
	}
	at := map[string]any{"name": "at", "in": "query", "required": false,
		"description": "Assess as on this date instead of the referral's dateSent: the pack version in force on it is used.",
		"schema":      map[string]any{"type": "string", "format": "date"}}
	tooLarge := problems("The body is larger than 4 MiB.")
	notRead := problems("The body is not a JSON or YAML referral at all (not JSON, not an object, several documents); the problems say where.")
	unsupported := problems("The Content-Type is not one the endpoint reads.")
	public := []any{}
	sendResponses := func() map[string]any {
		return map[string]any{
			"200": map[string]any{"description": "The referral was written to the outbox as one JSON file named after its reference, and its decision recorded.",
				"headers": decisionHeader, "content": jsonOf("Receipt")},
			"422": map[string]any{"description": "The referral is invalid, or no version of the pack is in force on its date: nothing was sent. Its assessment says why.",
				"headers": decisionHeader, "content": jsonOf("Assessment")},
			"400": notRead, "413": tooLarge, "415": problems("The Content-Type is not JSON or YAML (one referral only)."),
			"503": map[string]any{"description": "Nothing was sent: the outbox holds its most files (outbox-full; Retry-After says when to try again) or cannot be written (outbox-unavailable), or the request was cancelled.",
				"headers": map[string]any{"Retry-After": map[string]any{"schema": map[string]any{"type": "integer"}}},
				"content": jsonOf("Problems")},
		}
	}
	limited := func(m map[string]any) map[string]any {
		m["403"] = problems("A browser says the request comes from a page of another site.")
		m["429"] = map[string]any{"description": "Too many requests from this client address: Retry-After says how many seconds to wait.",
			"headers": map[string]any{"Retry-After": map[string]any{"required": true, "schema": map[string]any{"type": "integer", "minimum": 1}}},
			"content": jsonOf("Problems")}
		m["500"] = common["500"]
		return m
	}
	html := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"text/html": map[string]any{"schema": map[string]any{"type": "string"}}}}
	}

	return map[string]any{
		"/v1/send": map[string]any{"post": map[string]any{
			"operationId": "send",
			"summary":     "Send a checked referral to the police co-ordinator (only with an outbox)",
			"description": "Only when the service runs with --outbox; otherwise 404. Validates and assesses the referral as on its dateSent, records the decision in the decision log, and writes the referral, as JSON, to the outbox folder as one file named after the decision id. An invalid referral is not sent.",
			"requestBody": body("The referral (JSON, or YAML with Content-Type: application/yaml).", false),
			"responses":   with(sendResponses()),
		}},
		"/refer": map[string]any{"get": map[string]any{
			"operationId": "referralForm", "summary": "The referral form page", "security": public,
			"description": "The COBI and Healthy Relationships referral forms as a web page for referrers, built from GET /refer/form.json. Without --public-form it asks for the referrer's token.",
			"responses":   map[string]any{"200": html("The page (HTML; its script and style are under /refer/assets/).")},
		}},
		"/refer/assets/{file}": map[string]any{"get": map[string]any{
			"operationId": "referralFormAsset", "summary": "The form page's script, style and icon", "security": public,
			"parameters": []any{map[string]any{"name": "file", "in": "path", "required": true, "description": "refer.css, refer.js or refer.svg.", "schema": map[string]any{"type": "string"}}},
			"responses": map[string]any{
				"200": map[string]any{"description": "The file.", "content": map[string]any{
					"text/css":        map[string]any{"schema": map[string]any{"type": "string"}},
					"text/javascript": map[string]any{"schema": map[string]any{"type": "string"}},
					"image/svg+xml":   map[string]any{"schema": map[string]any{"type": "string"}},
				}},
				"404": problems("There is no such file."),
			},
		}},
		"/refer/form.json": map[string]any{"get": map[string]any{
			"operationId": "referralFormDescription", "summary": "What the form page is built from", "security": public,
			"description": "Every question of the referral from its one description (the fields of pathway schema referral, with their questions, help, allowed answers and conditions), where the page sends the answers, whether it needs a token, and the titles of the pack's rules, programmes and actions.",
			"responses":   map[string]any{"200": answer("The form's description.", "FormDescription")},
		}},
		"/refer/api/validate": map[string]any{"post": map[string]any{
			"operationId": "publicValidate", "summary": "Validate one referral, for the public form (only with --public-form)", "security": public,
			"description": "As /v1/validate, without a token and without parameters, within the per-client limit on checks. Only with --public-form; otherwise 404.",
			"requestBody": body("The referral (JSON, or YAML with Content-Type: application/yaml).", false),
			"responses": limited(map[string]any{
				"200": answer("The referral is valid.", "Validation"),
				"422": answer("The referral is invalid: its problems, each with its path.", "Validation"),
				"400": problems("The body is not a referral at all, or the request has a query."), "413": tooLarge, "415": unsupported,
				"503": problems("The request was cancelled before it was answered."),
			}),
		}},
		"/refer/api/assess": map[string]any{"post": map[string]any{
			"operationId": "publicAssess", "summary": "Assess one referral, for the public form (only with --public-form)", "security": public,
			"description": "As /v1/assess for one referral (no JSON Lines), without a token and without parameters, within the per-client limit on checks; recorded in the decision log under the caller public-form. Only with --public-form; otherwise 404.",
			"requestBody": body("The referral (JSON, or YAML with Content-Type: application/yaml).", false),
			"responses": limited(map[string]any{
				"200": map[string]any{"description": "The assessment: a decision was made.", "headers": decisionHeader, "content": jsonOf("Assessment")},
				"422": map[string]any{"description": "The assessment of an invalid referral, or of one dated when no version of the pack is in force.", "headers": decisionHeader, "content": jsonOf("Assessment")},
				"400": problems("The body is not a referral at all, or the request has a query."), "413": tooLarge, "415": unsupported,
				"503": problems("The request was cancelled before it was answered."),
			}),
		}},
		"/refer/api/send": map[string]any{"post": map[string]any{
			"operationId": "publicSend", "summary": "Send a checked referral, for the public form (only with --public-form and --outbox)", "security": public,
			"description": "As /v1/send, without a token, within the per-client limit on sends. Only with --public-form and --outbox; otherwise 404.",
			"requestBody": body("The referral (JSON, or YAML with Content-Type: application/yaml).", false),
			"responses":   limited(sendResponses()),
		}},
		"/v1/assess": map[string]any{"post": map[string]any{
			"operationId": "assess",
			"summary":     "Assess one referral, or many as JSON Lines",
			"description": "Decides the referral under the pack version in force on its dateSent (or at): eligible, ineligible, incomplete or invalid, with every rule's reason, the programmes offered and the victim-safety actions. " +
				"With Content-Type application/x-ndjson, each line is a referral and each answer line its assessment, in input order, streamed as they are made; a line that is not a referral, or is longer than 4 MiB, is an invalid assessment naming its line.",
			"parameters":  []any{at},
			"requestBody": body("The referral (JSON, or YAML with Content-Type: application/yaml), or JSON Lines.", true),
			"responses": with(map[string]any{
				"200": map[string]any{"description": "The assessment: a decision was made (eligible, ineligible or incomplete). For JSON Lines, every line's assessment, whatever its decision.",
					"headers": decisionHeader,
					"content": map[string]any{
						"application/json":     map[string]any{"schema": schema("Assessment")},
						"application/x-ndjson": map[string]any{"schema": map[string]any{"type": "string", "description": "One Assessment a line, in input order."}},
					}},
				"422": map[string]any{"description": "The assessment of an invalid referral, or of one dated when no version of the pack is in force: its problems say why, and its safety actions are listed.",
					"headers": decisionHeader, "content": jsonOf("Assessment")},
				"400": notRead, "413": tooLarge, "415": unsupported,
				"503": problems("The request was cancelled before it was answered."),
			}),
		}},
		"/v1/validate": map[string]any{"post": map[string]any{
			"operationId": "validate",
			"summary":     "Validate one referral",
			"description": "Checks the referral as the assessment would (with the risk instrument ranges of the pack version in force), without assessing or recording it.",
			"parameters":  []any{at},
			"requestBody": body("The referral (JSON, or YAML with Content-Type: application/yaml).", false),
			"responses": with(map[string]any{
				"200": answer("The referral is valid.", "Validation"),
				"422": answer("The referral is invalid: its problems, each with its path.", "Validation"),
				"400": notRead, "413": tooLarge, "415": unsupported,
				"503": problems("The request was cancelled before it was answered."),
			}),
		}},
		"/v1/redact": map[string]any{"post": map[string]any{
			"operationId": "redact",
			"summary":     "The referral as the caller's role may see it",
			"description": "The view of the referral that the caller's role (its token's) may see under the sharing policy of the pack version in force. Free text a role may not see is withheld, or scrubbed where the pack says so (best effort).",
			"parameters":  []any{at},
			"requestBody": body("The referral (JSON, or YAML with Content-Type: application/yaml).", false),
			"responses": with(map[string]any{
				"200": answer("The view.", "ReferralView"),
				"422": problems("The referral is invalid, or no version of the pack is in force on its date: no view is given."),
				"400": notRead, "413": tooLarge, "415": unsupported,
				"503": problems("The request was cancelled before it was answered."),
			}),
		}},
		"/v1/pack": map[string]any{"get": map[string]any{
			"operationId": "pack",
			"summary":     "The rule pack being served",
			"responses":   with(map[string]any{"200": answer("The pack: versions with their effective dates and digests, and programmes with sessions and capacities.", "PackInfo")}),
		}},
		"/healthz": map[string]any{"get": map[string]any{
			"operationId": "healthz", "summary": "Liveness", "security": public,
			"responses": map[string]any{"200": answer("The service is running.", "Health")},
		}},
		"/readyz": map[string]any{"get": map[string]any{
			"operationId": "readyz", "summary": "Readiness: a pack is loaded", "security": public,
			"responses": map[string]any{
				"200": answer("A pack is loaded and requests are taken.", "Health"),
				"503": answer("The service is shutting down.", "Health"),
			},
		}},
		"/metrics": map[string]any{"get": map[string]any{
			"operationId": "metrics", "summary": "Prometheus metrics", "security": public,
			"description": "pathway_decisions_total by decision; pathway_http_request_duration_seconds by route and status; requests in flight; pack reloads; the pack versions served.",
			"responses": map[string]any{"200": map[string]any{"description": "The metrics, in the Prometheus text format.",
				"content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}},
		}},
		"/openapi.json": map[string]any{"get": map[string]any{
			"operationId": "openapi", "summary": "This document", "security": public,
			"responses": map[string]any{"200": map[string]any{"description": "The OpenAPI 3.1 document.",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
		}},
	}
}
