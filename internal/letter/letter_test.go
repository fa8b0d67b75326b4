package letter

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

const link = "https://releasegate.example.gov.uk/consent/Qm9vayBvZiBrZWxscw"

func day(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }

// sample returns complete data for kind, exactly the fields it declares.
func sample(kind Kind) Data {
	request := Data{
		"AuthorName":        "PC Sam Patel",
		"DocumentTitle":     "Police attendance report 4471",
		"DocumentType":      "police report",
		"CaseReference":     "CS-2026-0193",
		"ConsentLink":       link,
		"SocialWorkerName":  "Alex Morgan",
		"SocialWorkerEmail": "alex.morgan@example.gov.uk",
		"TeamName":          "Northfield Assessment Team",
		"ReceivedOn":        day(2),
		"LinkExpires":       day(30),
		"DueOn":             day(20),
		"Audiences":         []string{"family", "court"},
		"RedactionReasons":  []string{"Third-party personal data: the neighbour's name and address", "Criminal investigation: details of an open investigation"},
	}
	switch kind {
	case ConsentRequest:
		return request
	case ConsentChase:
		d := maps.Clone(request)
		d["ReminderNumber"] = 2
		d["RequestedOn"] = day(9)
		return d
	case ConsentOverdueManager:
		return Data{
			"ManagerName":        "Jo Whitfield",
			"AuthorName":         "PC Sam Patel",
			"AuthorOrganisation": "Northshire Police",
			"SocialWorkerName":   "Alex Morgan",
			"DocumentTitle":      "Police attendance report 4471",
			"DocumentType":       "police report",
			"CaseReference":      "CS-2026-0193",
			"CaseLink":           "https://releasegate.example.gov.uk/documents/d-81",
			"ReceivedOn":         day(2),
			"RequestedOn":        day(3),
			"LastReminderOn":     day(17),
			"RemindersSent":      2,
			"Audiences":          []string{"professional"},
		}
	case FamilyNotification:
		return Data{
			"FamilyName":            "Ms Jones",
			"DocumentDescription":   "a report from the school",
			"RecipientRole":         "the named health visitor",
			"RecipientOrganisation": "Northshire Community Health",
			"Purpose":               "to help everyone supporting your family work from the same information at the child protection conference.",
			"CaseReference":         "CS-2026-0193",
			"SocialWorkerName":      "Alex Morgan",
			"SocialWorkerEmail":     "alex.morgan@example.gov.uk",
			"TeamName":              "Northfield Assessment Team",
			"ComplaintsContact":     "complaints@example.gov.uk or 01632 960 123",
			"SharedOn":              day(20),
		}
	case LegalRoute:
		return Data{
			"DocumentTitle":     "GP letter of 12 October",
			"DocumentType":      "GP letter",
			"CaseReference":     "CS-2026-0193",
			"SocialWorkerName":  "Alex Morgan",
			"TeamName":          "Northfield Assessment Team",
			"ManagerName":       "Jo Whitfield",
			"VersionSHA256":     "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			"ReviewLink":        "https://releasegate.example.gov.uk/legal/r-17",
			"ManagerApprovedOn": day(21),
			"RedactionCount":    6,
			"Audience":          "court",
			"OrderType":         "interim",
		}
	}
	panic("no sample for " + kind)
}

// want is what each letter must say, in the email and in the letter.
var want = map[Kind][]string{
	ConsentRequest: {
		"Dear PC Sam Patel,",
		"Document: Police attendance report 4471 (police report)",
		"Date received: 2 November 2026",
		"Case reference: CS-2026-0193",
		"we will not share it outside Children's Services without your written agreement",
		"the child's family: their parents and carers",
		"care proceedings: the court, and the parties to proceedings about the child",
		"Third-party personal data: the neighbour's name and address",
		link,
		"works until 30 November 2026",
		"please write to Alex Morgan at alex.morgan@example.gov.uk",
		"You may agree for some of these groups and not others, and you may attach conditions",
	},
	ConsentChase: {
		"This is our second reminder about the request we sent you on 9 November 2026.",
		"Case reference: CS-2026-0193",
		link,
		"works until 30 November 2026",
		"You may agree for some of these groups and not others",
	},
	ConsentOverdueManager: {
		"Dear Jo Whitfield,",
		"has not answered our request for consent to share it, after the last reminder",
		"Reminders sent: 2, the last on 17 November 2026",
		"the professional network",
		"Nothing has been shared.",
		"https://releasegate.example.gov.uk/documents/d-81",
	},
	FamilyNotification: {
		"Dear Ms Jones,",
		"on 20 November 2026 we shared a report from the school with the named health visitor at Northshire Community Health.",
		"We shared it for this reason: to help everyone supporting your family work from the same information at the child protection conference.",
		"please contact Alex Morgan at alex.morgan@example.gov.uk",
		"complaints@example.gov.uk or 01632 960 123",
		"Making a complaint will not affect the help your family receives.",
	},
	LegalRoute: {
		"Dear colleagues in Legal Services,",
		"The child on this case is subject to an Interim Care Order",
		"Audience: care proceedings",
		"Redactions in the set: 6",
		"Approved by the team manager: Jo Whitfield, on 21 November 2026",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"https://releasegate.example.gov.uk/legal/r-17",
	},
}

var wantSubject = map[Kind]string{
	ConsentRequest:        "Request for your consent to share your police report (case reference CS-2026-0193)",
	ConsentChase:          "Reminder 2: request for your consent to share your police report (case reference CS-2026-0193)",
	ConsentOverdueManager: "No answer to a consent request after the last reminder (case reference CS-2026-0193)",
	FamilyNotification:    "We have shared a document about your family (case reference CS-2026-0193)",
	LegalRoute:            "Redactions awaiting Legal Services approval: Interim Care Order case (case reference CS-2026-0193)",
}

// flat joins every run of white space into one space, as a reader sees
// wrapped text.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderEveryKind(t *testing.T) {
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			r, err := Render(k, sample(k), now)
			if err != nil {
				t.Fatal(err)
			}
			if r.Subject != wantSubject[k] {
				t.Errorf("subject %q, want %q", r.Subject, wantSubject[k])
			}
			if len(want[k]) == 0 {
				t.Fatal("no expectations for this kind")
			}
			text := flat(r.Text)
			for _, s := range want[k] {
				if !strings.Contains(text, s) {
					t.Errorf("email lacks %q:\n%s", s, r.Text)
				}
			}
			for _, bad := range []string{"<no value>", "{{", "# ", "\n\n\n"} {
				if strings.Contains(r.Text, bad) {
					t.Errorf("email holds %q:\n%s", bad, r.Text)
				}
			}
			if !strings.HasPrefix(string(r.PDF), "%PDF-") {
				t.Errorf("PDF starts %q", r.PDF[:min(len(r.PDF), 8)])
			}
		})
	}
}

// TestFieldsMatchTemplates: the samples hold exactly the declared fields
// and render, so (with missingkey=error) no template uses a field its
// list forgot.
func TestFieldsMatchTemplates(t *testing.T) {
	for _, k := range kinds {
		var declared []string
		for _, f := range fields[k] {
			declared = append(declared, f.name)
		}
		slices.Sort(declared)
		if got := slices.Sorted(maps.Keys(sample(k))); !slices.Equal(got, declared) {
			t.Errorf("%s: sample fields %v, declared %v", k, got, declared)
		}
	}
}

func TestMissingField(t *testing.T) {
	for _, k := range kinds {
		for _, f := range fields[k] {
			t.Run(string(k)+"/"+f.name, func(t *testing.T) {
				d := sample(k)
				delete(d, f.name)
				_, err := Render(k, d, now)
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != f.name || !errors.Is(err, ErrMissingField) {
					t.Fatalf("got %v, want a missing-field error for %s", err, f.name)
				}
				if !strings.Contains(err.Error(), f.name) {
					t.Errorf("error %q does not name %s", err, f.name)
				}
			})
		}
	}
}

// TestTemplatesRefuseMissingKeys: the templates themselves run with
// missingkey=error, the backstop for a field the lists forgot.
func TestTemplatesRefuseMissingKeys(t *testing.T) {
	set, err := parsed()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds {
		var b strings.Builder
		err := set[k].ExecuteTemplate(&b, "body", Data{})
		if err == nil || !strings.Contains(err.Error(), "map has no entry for key") {
			t.Errorf("%s: executing with no data gave %v", k, err)
		}
		if strings.Contains(b.String(), "<no value>") {
			t.Errorf("%s: printed <no value>", k)
		}
	}
}

func TestUnusableField(t *testing.T) {
	tests := []struct {
		kind  Kind
		field string
		value any
		err   error
	}{
		{ConsentRequest, "ReceivedOn", "2026-11-02", ErrBadField},
		{ConsentRequest, "ReceivedOn", time.Time{}, ErrMissingField},
		{ConsentRequest, "AuthorName", "  \n ", ErrMissingField},
		{ConsentRequest, "AuthorName", 7, ErrBadField},
		{ConsentRequest, "Audiences", []string{"family", "neighbours"}, ErrBadField},
		{ConsentRequest, "Audiences", []string{}, ErrMissingField},
		{ConsentRequest, "RedactionReasons", "one reason", ErrBadField},
		{ConsentChase, "ReminderNumber", "2", ErrBadField},
		{LegalRoute, "Audience", "everyone", ErrBadField},
		{LegalRoute, "OrderType", "supervision", ErrBadField},
		{FamilyNotification, "SharedOn", nil, ErrMissingField},
	}
	for _, tt := range tests {
		d := sample(tt.kind)
		d[tt.field] = tt.value
		_, err := Render(tt.kind, d, now)
		var fe *FieldError
		if !errors.Is(err, tt.err) || !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s %s=%#v: got %v, want %v naming the field", tt.kind, tt.field, tt.value, err, tt.err)
		}
	}
}

func TestUnknownKind(t *testing.T) {
	if _, err := Render("consent_ransom", Data{}, now); !errors.Is(err, ErrUnknownKind) {
		t.Fatalf("got %v, want ErrUnknownKind", err)
	}
}

func TestNoRedactionsProposed(t *testing.T) {
	d := sample(ConsentRequest)
	d["RedactionReasons"] = []string{}
	r, err := Render(ConsentRequest, d, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "we do not propose to remove anything") {
		t.Errorf("email does not say nothing is to be redacted:\n%s", r.Text)
	}
}

// TestOnlyDeclaredFields: a field the letter does not declare, such as the
// child's name, never reaches it.
func TestOnlyDeclaredFields(t *testing.T) {
	d := sample(ConsentRequest)
	d["ChildName"] = "Ella Jones"
	r, err := Render(ConsentRequest, d, now)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Text, "Ella") || strings.Contains(string(r.PDF), "Ella") {
		t.Error("the child's name reached the letter")
	}
}

// TestOneLineValues: a value cannot add a header line to the email or a
// heading to the letter.
func TestOneLineValues(t *testing.T) {
	d := sample(ConsentRequest)
	d["DocumentType"] = "report\r\nBcc: everyone@example.com"
	d["AuthorName"] = "Sam\n# Not a heading"
	r, err := Render(ConsentRequest, d, now)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(r.Subject, "\r\n") {
		t.Errorf("subject %q spans lines", r.Subject)
	}
	if !strings.Contains(r.Text, "Dear Sam # Not a heading,") {
		t.Errorf("name not kept on one line:\n%s", r.Text)
	}
}

func TestWinAnsi(t *testing.T) {
	got := winAnsi("Zoë O’Brien — “hi” €5\t日本")
	want := []byte("Zo\xeb O\x92Brien \x97 \x93hi\x94 \x805 ??")
	if string(got) != string(want) {
		t.Errorf("winAnsi = %q, want %q", got, want)
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "first", 3: "third", 10: "tenth", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 103: "103rd", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}
