-- Every index on people is paid by each person an import or a form
-- creates. people_last_interaction duplicated people_last_interaction_sort
-- (the same columns, with never-interacted people at -1): the list sorts
-- on the latter, and the dashboard's "no interaction yet" count now reads
-- it too (COALESCE(last_interaction_at, -1) = -1).
DROP INDEX IF EXISTS people_last_interaction;
