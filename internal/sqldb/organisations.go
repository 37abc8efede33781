package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

const orgColumns = `o.id, o.public_id, o.workspace_id, o.name, o.kind, o.status, o.registration_number,
	o.website, o.phone, o.address_line1, o.address_line2, o.postal_code, o.city, o.country,
	o.owner_user_id, u.name, o.custom, o.last_interaction_at, o.created_at, o.updated_at`

const orgFrom = ` FROM organisations o LEFT JOIN users u ON u.id = o.owner_user_id`

func scanOrganisation(row interface{ Scan(...any) error }) (*crm.Organisation, error) {
	var o crm.Organisation
	var custom string
	var ownerID, last, created, updated sql.NullInt64
	var ownerName sql.NullString
	err := row.Scan(&o.ID, &o.PublicID, &o.WorkspaceID, &o.Name, &o.Kind, &o.Status, &o.RegistrationNumber,
		&o.Website, &o.Phone, &o.Address.Line1, &o.Address.Line2, &o.Address.PostalCode, &o.Address.City,
		&o.Address.Country, &ownerID, &ownerName, &custom, &last, &created, &updated)
	if err != nil {
		return nil, err
	}
	o.OwnerUserID, o.OwnerName = ownerID.Int64, ownerName.String
	o.Custom = parseJSONMap(custom)
	o.LastInteractionAt, o.CreatedAt, o.UpdatedAt = fromMicros(last), fromMicros(created), fromMicros(updated)
	return &o, nil
}

// Organisation returns one organisation with its number of people.
func (s CRMStore) Organisation(ctx context.Context, workspaceID int64, publicID string) (*crm.Organisation, error) {
	o, err := scanOrganisation(s.DB.QueryRow(ctx, `SELECT `+orgColumns+orgFrom+
		` WHERE o.workspace_id = $1 AND o.public_id = $2`, workspaceID, publicID))
	if err != nil {
		return nil, notFound(err, "Organisation")
	}
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE organisation_id = $1`, o.ID).Scan(&o.PeopleCount)
	return o, err
}

// CreateOrganisation inserts an organisation and the audit entry.
func (s CRMStore) CreateOrganisation(ctx context.Context, o *crm.Organisation, e audit.Entry) error {
	custom, err := jsonText(o.Custom)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO organisations (public_id, workspace_id, name, name_norm, kind,
			status, registration_number, website, phone, address_line1, address_line2, postal_code, city,
			country, owner_user_id, custom, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
			o.PublicID, o.WorkspaceID, o.Name, o.NameKey(), string(o.Kind), string(o.Status), o.RegistrationNumber,
			o.Website, o.Phone, o.Address.Line1, o.Address.Line2, o.Address.PostalCode, o.Address.City,
			o.Address.Country, nullID(o.OwnerUserID), custom, o.CreatedAt.UnixMicro(), o.UpdatedAt.UnixMicro()).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// UpdateOrganisation replaces an organisation's fields.
func (s CRMStore) UpdateOrganisation(ctx context.Context, o *crm.Organisation, e audit.Entry) error {
	custom, err := jsonText(o.Custom)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE organisations SET name = $3, name_norm = $4, kind = $5, status = $6,
			registration_number = $7, website = $8, phone = $9, address_line1 = $10, address_line2 = $11,
			postal_code = $12, city = $13, country = $14, owner_user_id = $15, custom = $16, updated_at = $17
			WHERE workspace_id = $1 AND id = $2`,
			o.WorkspaceID, o.ID, o.Name, o.NameKey(), string(o.Kind), string(o.Status), o.RegistrationNumber,
			o.Website, o.Phone, o.Address.Line1, o.Address.Line2, o.Address.PostalCode, o.Address.City,
			o.Address.Country, nullID(o.OwnerUserID), custom, o.UpdatedAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("update organisation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Errorf(errs.NotFound, "Organisation not found.")
		}
		return insertAudit(ctx, tx, e)
	})
}

// DeleteOrganisation deletes an organisation; its people stay, unattached.
func (s CRMStore) DeleteOrganisation(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		// The organisation's own notes go with it; its people's activities
		// stay on their timelines (the foreign key sets their organisation
		// to NULL).
		if _, err := tx.Exec(ctx, `DELETE FROM activities WHERE person_id IS NULL AND organisation_id =
			(SELECT id FROM organisations WHERE workspace_id = $1 AND public_id = $2)`, workspaceID, publicID); err != nil {
			return fmt.Errorf("delete organisation activities: %w", err)
		}
		res, err := tx.Exec(ctx, `DELETE FROM organisations WHERE workspace_id = $1 AND public_id = $2`, workspaceID, publicID)
		if err != nil {
			return fmt.Errorf("delete organisation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Errorf(errs.NotFound, "Organisation not found.")
		}
		return insertAudit(ctx, tx, e)
	})
}

// Organisations returns a page of organisations sorted by name.
func (s CRMStore) Organisations(ctx context.Context, workspaceID int64, f crm.OrganisationFilter) (*crm.OrganisationPage, error) {
	b := &builder{}
	b.and("o.workspace_id = " + b.arg(workspaceID))
	if f.Query != "" {
		b.and("o.name_norm >= " + b.arg(crm.Fold(f.Query)) + " AND o.name_norm < " + b.arg(crm.PrefixUpper(crm.Fold(f.Query))))
	}
	if f.Status != "" {
		b.and("o.status = " + b.arg(string(f.Status)))
	}
	if f.Kind != "" {
		b.and("o.kind = " + b.arg(string(f.Kind)))
	}
	backwards := f.Before != "" && f.After == ""
	cursor := f.After
	if backwards {
		cursor = f.Before
	}
	if cursor != "" {
		var key string
		var id int64
		err := s.DB.QueryRow(ctx, `SELECT name_norm, id FROM organisations WHERE workspace_id = $1 AND public_id = $2`,
			workspaceID, cursor).Scan(&key, &id)
		if err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("read cursor: %w", err)
		}
		if err != nil {
			return nil, &errs.Error{Code: errs.Invalid, Message: "The page cursor is not valid any more; start from the first page.",
				Fields: map[string]string{"cursor": "is not valid"}}
		}
		op := ">"
		if backwards {
			op = "<"
		}
		b.and("(o.name_norm, o.id) " + op + " (" + b.arg(key) + ", " + b.arg(id) + ")")
	}
	dir := "ASC"
	if backwards {
		dir = "DESC"
	}
	rows, err := s.DB.Query(ctx, `SELECT `+orgColumns+`,
		(SELECT COUNT(*) FROM people p WHERE p.organisation_id = o.id)`+orgFrom+b.whereSQL()+
		` ORDER BY o.name_norm `+dir+`, o.id `+dir+` LIMIT `+b.arg(f.Limit+1), b.args...)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	page := &crm.OrganisationPage{}
	for rows.Next() {
		var count int
		o, err := scanOrganisation(scanPlus{rows, &count})
		if err != nil {
			return nil, err
		}
		o.PeopleCount = count
		page.Organisations = append(page.Organisations, *o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	more := len(page.Organisations) > f.Limit
	if more {
		page.Organisations = page.Organisations[:f.Limit]
	}
	if backwards {
		reverse(page.Organisations)
		page.HasPrev, page.HasNext = more, true
	} else {
		page.HasNext, page.HasPrev = more, cursor != ""
	}
	return page, nil
}

// scanPlus scans a row whose trailing columns follow a known column list.
type scanPlus struct {
	rows  *sql.Rows
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }
