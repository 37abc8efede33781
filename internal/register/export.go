package register

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// Export formats.
const (
	FormatCSV = "csv"
	FormatPDF = "pdf"
)

// Export writes the register's active entries as CSV or PDF, in French or
// English, and records the export in the audit log first (an export that
// cannot be audited does not happen). Invalid for another format.
func (s *Service) Export(ctx context.Context, workspaceID int64, workspaceName, format, lang string, w io.Writer) error {
	if format != FormatCSV && format != FormatPDF {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"format": "must be csv or pdf"}}
	}
	if lang != "en" {
		lang = "fr"
	}
	entries, err := s.List(ctx, workspaceID)
	if err != nil {
		return err
	}
	active := entries[:0]
	for _, e := range entries {
		if e.Status == Active {
			active = append(active, e)
		}
	}
	org, err := s.Organisation(ctx, workspaceID)
	if err != nil {
		return err
	}
	if workspaceName == "" {
		workspaceName = org.ControllerName
	}
	if err := s.Audit.Record(ctx, audit.NewEntry(ctx, workspaceID, "register.export", "register", "",
		map[string]any{"format": format, "entries": len(active)})); err != nil {
		return err
	}
	if format == FormatCSV {
		return WriteCSV(w, active, lang)
	}
	return WritePDF(w, workspaceName, org, active, lang, s.Now())
}

// csvColumns follow the order of the CNIL model register's activity sheet
// (name, dates, joint controller, software, purposes, people, data,
// sensitive data, retention, recipients, transfers, security), then the
// version data Registre adds.
var csvColumns = [][2]string{
	{"Nom du traitement", "Processing activity"}, {"Date de création", "Created"}, {"Date de mise à jour", "Updated"},
	{"Responsable conjoint", "Joint controller"}, {"Logiciel", "Software"}, {"Finalités", "Purposes"},
	{"Bases légales", "Legal bases"}, {"Catégories de personnes concernées", "Categories of data subjects"},
	{"Catégories de données", "Categories of personal data"}, {"Données sensibles", "Sensitive data"},
	{"Durées de conservation", "Retention periods"}, {"Destinataires internes", "Internal recipients"},
	{"Destinataires externes", "External recipients"}, {"Sous-traitants", "Processors"},
	{"Transferts hors UE", "Transfers outside the EU"}, {"Mesures de sécurité", "Security measures"},
	{"Version", "Version"}, {"Identifiant", "Id"},
}

// Row returns an entry as the cells of a CSV row (and of the PDF).
func Row(e Entry, lang string) []string {
	a := &e.Activity
	var cats []string
	for _, c := range a.Categories {
		cats = append(cats, CategoryLabel(c, lang))
	}
	sensitive := map[string]string{"fr": "Non", "en": "No"}[lang]
	if a.Sensitive {
		sensitive = map[string]string{"fr": "Oui : ", "en": "Yes: "}[lang] + a.SensitiveDetail
	}
	var security []string
	for _, m := range a.Security {
		security = append(security, SecurityLabel(m, lang))
	}
	if a.SecurityOther != "" {
		security = append(security, a.SecurityOther)
	}
	name := a.Name
	if lang == "en" && a.NameEN != "" {
		name = a.NameEN
	}
	return []string{name, e.CreatedAt.Format(time.DateOnly), e.UpdatedAt.Format(time.DateOnly), a.JointController, a.Software,
		strings.Join(purposeLabels(a, lang), "; "), strings.Join(basisLines(a, lang), "; "), strings.Join(a.SubjectGroups, "; "),
		strings.Join(cats, "; "), sensitive, strings.Join(RetentionTexts(a, lang), "; "), strings.Join(a.Recipients.Internal, "; "),
		strings.Join(a.Recipients.ThirdParties, "; "), strings.Join(a.Recipients.Processors, "; "), transferList(a, lang),
		strings.Join(security, "; "), strconv.Itoa(e.Version), e.PublicID}
}

// WriteCSV writes one row per entry under a header row.
func WriteCSV(w io.Writer, entries []Entry, lang string) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		head[i] = pick(c, lang)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, e := range entries {
		if err := cw.Write(neutralise(Row(e, lang))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// neutralise keeps spreadsheets from reading a cell as a formula.
func neutralise(cells []string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

var securityLabels = map[string][2]string{
	SecAccessControl: {"Contrôle d'accès des utilisateurs", "User access control"},
	SecTraceability:  {"Mesures de traçabilité", "Traceability"},
	SecSoftware:      {"Mesures de protection des logiciels", "Software protection"},
	SecBackups:       {"Sauvegarde des données", "Data backups"},
	SecEncryption:    {"Chiffrement des données", "Encryption"},
	SecProcessors:    {"Contrôle des sous-traitants", "Control of processors"},
}

// SecurityLabel names a security measure in French or English.
func SecurityLabel(m, lang string) string {
	if l, ok := securityLabels[m]; ok {
		return pick(l, lang)
	}
	return m
}

// WritePDF writes the register as a PDF document an auditor can read: a
// cover with the organisation and the date, then one section per entry
// with its version and dates.
func WritePDF(w io.Writer, workspaceName string, org Organisation, entries []Entry, lang string, now time.Time) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: French accents, «», —, …
	title := map[string]string{"fr": "Registre des activités de traitement", "en": "Register of processing activities"}[lang]
	pdf.SetTitle(title, true)
	pdf.SetCreator("Registre", true)
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s — %s — %s %d", title, workspaceName, now.Format(time.DateOnly), pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.MultiCell(0, 9, tr(title), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, tr(fmt.Sprintf("%s — %s %s (UTC)", workspaceName,
		map[string]string{"fr": "édité le", "en": "produced on"}[lang], now.Format("2006-01-02 15:04"))), "", "L", false)
	pdf.Ln(4)
	orgRows := [][2]string{
		{pick([2]string{"Responsable du traitement", "Controller"}, lang), strings.TrimSpace(org.ControllerName + ", " + org.ControllerAddress + " " + org.ControllerEmail)},
		{pick([2]string{"Représentant", "Representative"}, lang), org.Representative},
		{pick([2]string{"Délégué à la protection des données", "Data protection officer"}, lang), strings.TrimSpace(org.DPOName + " " + org.DPOEmail)},
		{pick([2]string{"Exercice des droits", "Exercising rights"}, lang), firstNonEmpty(org.RightsContact, org.ControllerEmail)},
		{pick([2]string{"Activités de traitement", "Processing activities"}, lang), strconv.Itoa(len(entries))},
	}
	pdfRows(pdf, tr, orgRows)
	for _, e := range entries {
		pdfEntry(pdf, tr, e, lang)
	}
	if pdf.Err() {
		return fmt.Errorf("pdf: %w", pdf.Error())
	}
	return pdf.Output(w)
}

func pdfEntry(pdf *fpdf.Fpdf, tr func(string) string, e Entry, lang string) {
	row := Row(e, lang)
	pdf.Ln(6)
	if pdf.GetY() > 230 {
		pdf.AddPage()
	}
	pdf.SetFont("Helvetica", "B", 13)
	pdf.SetFillColor(230, 236, 245)
	pdf.MultiCell(0, 7, tr(row[0]), "", "L", true)
	pdf.SetFont("Helvetica", "I", 9)
	pdf.MultiCell(0, 5, tr(fmt.Sprintf(pick([2]string{"Version %d — créée le %s, mise à jour le %s — %s", "Version %d — created %s, updated %s — %s"}, lang),
		e.Version, row[1], row[2], e.PublicID)), "", "L", false)
	pdf.Ln(1)
	var rows [][2]string
	for i := 3; i < 16; i++ {
		rows = append(rows, [2]string{pick(csvColumns[i], lang), row[i]})
	}
	pdfRows(pdf, tr, rows)
}

func pdfRows(pdf *fpdf.Fpdf, tr func(string) string, rows [][2]string) {
	for _, r := range rows {
		if strings.TrimSpace(strings.Trim(r[1], ", ")) == "" {
			r[1] = "—"
		}
		pdf.SetFont("Helvetica", "B", 9)
		if pdf.GetY() > 265 {
			pdf.AddPage() // keep a label with the start of its value
		}
		x, y := pdf.GetXY()
		page := pdf.PageNo()
		pdf.MultiCell(55, 5, tr(r[0]), "", "L", false)
		yLabel := pdf.GetY()
		pdf.SetXY(x+56, y)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(0, 5, tr(r[1]), "", "L", false)
		if pdf.PageNo() == page && pdf.GetY() < yLabel {
			pdf.SetY(yLabel)
		}
		pdf.Ln(1)
	}
}
