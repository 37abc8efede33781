-- A form's submissions, newest first, paged by id (GET
-- /api/v1/forms/{id}/submissions): without this index every page would
-- read all the workspace's submissions.
CREATE INDEX form_submissions_form ON form_submissions (form_id, id);
