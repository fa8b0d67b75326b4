package letter

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/releasegate/releasegate/templates"
)

// Kind names a letter; it is also the name of its template in
// templates/letter. The fields each kind needs are listed on its constant;
// Render refuses data that lacks one.
//
// Field types: text is a non-blank string (line breaks in it become
// spaces), date a non-zero time.Time (printed as "23 November 2026" in its
// own location), number an int, list a []string (it may be empty),
// audiences a non-empty []string of "family", "professional" and "court",
// audience one of those, order "interim" or "full".
type Kind string

// The letters. Render formats the letterhead date from its now argument;
// every other value comes from the data.
const (
	// ConsentRequest asks a document's author for written consent to share
	// it. It never names the child. Fields: AuthorName, DocumentTitle,
	// DocumentType ("police report"), CaseReference, ConsentLink,
	// SocialWorkerName, SocialWorkerEmail, TeamName (text); ReceivedOn,
	// LinkExpires, DueOn (date: the answer is asked for by then);
	// Audiences (audiences); RedactionReasons (list: what is proposed for
	// redaction and why, one line each).
	ConsentRequest Kind = "consent_request"
	// ConsentChase reminds the author of an unanswered request. Fields:
	// those of ConsentRequest, and ReminderNumber (number, from 1) and
	// RequestedOn (date the request was sent).
	ConsentChase Kind = "consent_chase"
	// ConsentOverdueManager tells the team manager that a request had no
	// answer after the last reminder. Fields: ManagerName, AuthorName,
	// AuthorOrganisation, SocialWorkerName, DocumentTitle, DocumentType,
	// CaseReference, CaseLink (text); ReceivedOn, RequestedOn,
	// LastReminderOn (date); RemindersSent (number); Audiences (audiences).
	ConsentOverdueManager Kind = "consent_overdue_manager"
	// FamilyNotification tells the family that a document was shared.
	// Fields: FamilyName (the salutation, "Ms Smith"), DocumentDescription
	// ("a report from the school"), RecipientRole, RecipientOrganisation,
	// Purpose (a sentence), CaseReference, SocialWorkerName,
	// SocialWorkerEmail, TeamName, ComplaintsContact (text); SharedOn
	// (date).
	FamilyNotification Kind = "family_notification"
	// LegalRoute asks Legal Services to approve a redaction set on a Care
	// Order case. Fields: DocumentTitle, DocumentType, CaseReference,
	// SocialWorkerName, TeamName, ManagerName, VersionSHA256, ReviewLink
	// (text); ManagerApprovedOn (date); RedactionCount (number); Audience
	// (audience); OrderType (order).
	LegalRoute Kind = "legal_route"
)

// kinds lists every letter, in the order of the consent journey.
var kinds = []Kind{ConsentRequest, ConsentChase, ConsentOverdueManager, FamilyNotification, LegalRoute}

// Data holds the fields a letter's template uses, by name; each Kind's
// doc comment lists them with their types.
type Data map[string]any

// Rendered is one letter in both its forms.
type Rendered struct {
	Subject string // one line, for the email's Subject header and the letter's heading
	Text    string // the text/plain email body
	PDF     []byte // the A4 letter
}

type fieldType uint8

const (
	fText fieldType = iota
	fDate
	fNumber
	fList
	fAudiences
	fAudience
	fOrder
)

type field struct {
	name string
	typ  fieldType
}

var requestFields = []field{
	{"AuthorName", fText}, {"DocumentTitle", fText}, {"DocumentType", fText},
	{"CaseReference", fText}, {"ConsentLink", fText}, {"SocialWorkerName", fText},
	{"SocialWorkerEmail", fText}, {"TeamName", fText}, {"ReceivedOn", fDate},
	{"LinkExpires", fDate}, {"DueOn", fDate}, {"Audiences", fAudiences}, {"RedactionReasons", fList},
}

// fields is what each letter needs; TestFieldsMatchTemplates keeps it and
// the templates in step.
var fields = map[Kind][]field{
	ConsentRequest: requestFields,
	ConsentChase:   append(append([]field(nil), requestFields...), field{"ReminderNumber", fNumber}, field{"RequestedOn", fDate}),
	ConsentOverdueManager: {
		{"ManagerName", fText}, {"AuthorName", fText}, {"AuthorOrganisation", fText},
		{"SocialWorkerName", fText}, {"DocumentTitle", fText}, {"DocumentType", fText},
		{"CaseReference", fText}, {"CaseLink", fText}, {"ReceivedOn", fDate},
		{"RequestedOn", fDate}, {"LastReminderOn", fDate}, {"RemindersSent", fNumber},
		{"Audiences", fAudiences},
	},
	FamilyNotification: {
		{"FamilyName", fText}, {"DocumentDescription", fText}, {"RecipientRole", fText},
		{"RecipientOrganisation", fText}, {"Purpose", fText}, {"CaseReference", fText},
		{"SocialWorkerName", fText}, {"SocialWorkerEmail", fText}, {"TeamName", fText},
		{"ComplaintsContact", fText}, {"SharedOn", fDate},
	},
	LegalRoute: {
		{"DocumentTitle", fText}, {"DocumentType", fText}, {"CaseReference", fText},
		{"SocialWorkerName", fText}, {"TeamName", fText}, {"ManagerName", fText},
		{"VersionSHA256", fText}, {"ReviewLink", fText}, {"ManagerApprovedOn", fDate},
		{"RedactionCount", fNumber}, {"Audience", fAudience}, {"OrderType", fOrder},
	},
}

// audiences describes each audience of DESIGN.md for someone outside the
// service.
var audiences = map[string]string{
	"family":       "the child's family: their parents and carers",
	"professional": "the professional network: the other professionals working with the child and family, such as health, education and police",
	"court":        "care proceedings: the court, and the parties to proceedings about the child",
}

var orderTypes = map[string]string{
	"interim": "Interim Care Order",
	"full":    "Care Order",
}

// Render fills the template of kind with data, after checking that every
// field the kind needs is there with the right type. A missing or unusable
// field is a *FieldError naming it; the templates also run with
// missingkey=error, so a field the list forgot fails rather than printing
// "<no value>". now gives the letterhead date.
func Render(kind Kind, data Data, now time.Time) (Rendered, error) {
	set, err := parsed()
	if err != nil {
		return Rendered{}, err
	}
	t, ok := set[kind]
	if !ok {
		return Rendered{}, fmt.Errorf("render %q: %w", kind, ErrUnknownKind)
	}
	clean, err := check(kind, data)
	if err != nil {
		return Rendered{}, err
	}
	var subject, body bytes.Buffer
	if err := t.ExecuteTemplate(&subject, "subject", clean); err != nil {
		return Rendered{}, fmt.Errorf("render %s subject: %w", kind, err)
	}
	if err := t.ExecuteTemplate(&body, "body", clean); err != nil {
		return Rendered{}, fmt.Errorf("render %s body: %w", kind, err)
	}
	r := Rendered{Subject: oneLine(subject.String())}
	blocks := parseBlocks(normalise(body.String()))
	r.Text = emailText(blocks)
	if r.PDF, err = writePDF(blocks, now); err != nil {
		return Rendered{}, fmt.Errorf("render %s letter: %w", kind, err)
	}
	return r, nil
}

// parsed parses every letter once, failing on the first that is missing
// or broken.
var parsed = sync.OnceValues(func() (map[Kind]*template.Template, error) {
	set := make(map[Kind]*template.Template, len(kinds))
	for _, k := range kinds {
		t, err := template.New(string(k)).Option("missingkey=error").Funcs(funcs).
			ParseFS(templates.FS, "letter/common.tmpl", "letter/"+string(k)+".tmpl")
		if err != nil {
			return nil, fmt.Errorf("parse letter %s: %w", k, err)
		}
		for _, name := range []string{"subject", "body"} {
			if t.Lookup(name) == nil {
				return nil, fmt.Errorf("parse letter %s: no %q template", k, name)
			}
		}
		set[k] = t
	}
	return set, nil
})

var funcs = template.FuncMap{
	"date":      func(t time.Time) string { return ukDate(t) },
	"audience":  func(a string) string { return audiences[a] },
	"orderType": func(o string) string { return orderTypes[o] },
	"ordinal":   ordinal,
	"article": func(s string) string {
		if s != "" && strings.ContainsRune("AEIOUaeiou", rune(s[0])) {
			return "an " + s
		}
		return "a " + s
	},
}

// ukDate formats t the way a UK letter does: 23 November 2026.
func ukDate(t time.Time) string { return t.Format("2 January 2006") }

func ordinal(n int) string {
	words := []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if n >= 1 && n <= len(words) {
		return words[n-1]
	}
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprint(n, suffix)
}

var spaces = regexp.MustCompile(`\s+`)

// oneLine collapses every run of white space, line breaks included, to one
// space: a value from the data cannot start a new header in an email or a
// new paragraph in a letter.
func oneLine(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// check returns a copy of data holding the kind's fields, each checked and
// text made one line, so that the templates see only usable values.
func check(kind Kind, data Data) (Data, error) {
	clean := make(Data, len(fields[kind]))
	for _, f := range fields[kind] {
		v, ok := data[f.name]
		if !ok || v == nil {
			return nil, &FieldError{Kind: kind, Field: f.name, Err: ErrMissingField}
		}
		bad := func(format string, args ...any) error {
			return &FieldError{Kind: kind, Field: f.name, Err: fmt.Errorf("%w: "+format, append([]any{ErrBadField}, args...)...)}
		}
		switch f.typ {
		case fText:
			s, ok := v.(string)
			if !ok {
				return nil, bad("%T, want a string", v)
			}
			if s = oneLine(s); s == "" {
				return nil, &FieldError{Kind: kind, Field: f.name, Err: fmt.Errorf("%w: blank", ErrMissingField)}
			}
			v = s
		case fDate:
			t, ok := v.(time.Time)
			if !ok {
				return nil, bad("%T, want a time.Time", v)
			}
			if t.IsZero() {
				return nil, &FieldError{Kind: kind, Field: f.name, Err: fmt.Errorf("%w: zero time", ErrMissingField)}
			}
		case fNumber:
			n, ok := v.(int)
			if !ok {
				return nil, bad("%T, want an int", v)
			}
			if n < 0 {
				return nil, bad("negative: %d", n)
			}
		case fList, fAudiences:
			l, ok := v.([]string)
			if !ok {
				return nil, bad("%T, want a []string", v)
			}
			out := make([]string, 0, len(l))
			for _, s := range l {
				if s = oneLine(s); s != "" {
					out = append(out, s)
				}
			}
			if f.typ == fAudiences {
				if len(out) == 0 {
					return nil, &FieldError{Kind: kind, Field: f.name, Err: fmt.Errorf("%w: no audience", ErrMissingField)}
				}
				for _, a := range out {
					if _, ok := audiences[a]; !ok {
						return nil, bad("audience %q, want family, professional or court", a)
					}
				}
			}
			v = out
		case fAudience:
			a, ok := v.(string)
			if _, known := audiences[a]; !ok || !known {
				return nil, bad("%v, want family, professional or court", v)
			}
		case fOrder:
			o, ok := v.(string)
			if _, known := orderTypes[o]; !ok || !known {
				return nil, bad("%v, want interim or full", v)
			}
		}
		clean[f.name] = v
	}
	return clean, nil
}
