package forms

import (
	"html"
	"strings"

	"github.com/registre/registre/internal/mail"
)

// PersonPlaceholder, in a staff notification, is replaced by the link to
// the person's page once the store knows who they are.
const PersonPlaceholder = "[[PERSON]]"

// htmlBody renders a template's text as a simple HTML email: paragraphs,
// the link as a button.
func htmlBody(body, link, color, lang string) string {
	label := "Confirmer mon inscription"
	if lang == "en" {
		label = "Confirm my subscription"
	}
	button := `<a href="` + html.EscapeString(link) + `" style="display:inline-block;padding:12px 20px;background:` +
		html.EscapeString(color) + `;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600">` + label + `</a>`
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="` + lang + `"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>`)
	b.WriteString(`<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;line-height:1.5;color:#1d273b;max-width:560px;margin:0 auto;padding:24px">`)
	for _, para := range strings.Split(body, "\n\n") {
		escaped := html.EscapeString(para)
		escaped = strings.ReplaceAll(escaped, html.EscapeString(OptinPlaceholder), "</p><p>"+button+"</p><p style=\"font-size:13px;color:#667382;word-break:break-all\">"+html.EscapeString(link)+"</p><p>")
		b.WriteString("<p>" + strings.ReplaceAll(escaped, "\n", "<br>") + "</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}

// notifyMessage tells a staff user of a submission, without the
// submitter's data: the link leads to the person's page, behind login.
func (s *Service) notifyMessage(st Settings, f *Form, lang string) *mail.Message {
	subject, text := "Nouvelle réponse au formulaire « "+f.Name+" »",
		"Une nouvelle réponse a été reçue sur le formulaire « "+f.Name+" ».\n\nVoir la fiche : "+s.BaseURL+"/people/"+PersonPlaceholder+"\n"
	if lang == "en" {
		subject, text = "New submission on the form “"+f.Name+"”",
			"A new submission was received on the form “"+f.Name+"”.\n\nSee the record: "+s.BaseURL+"/people/"+PersonPlaceholder+"\n"
	}
	return &mail.Message{Kind: mail.KindStaff, From: st.From(), Subject: strings.NewReplacer("\r", " ", "\n", " ").Replace(subject), Text: text,
		MessageID: mail.NewMessageID(mail.DomainOf(st.FromEmail))}
}
