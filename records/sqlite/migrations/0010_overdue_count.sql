-- 0010: the status bar's overdue count, read from the index alone. The
-- count leaves out folders lent to offsite storage, which only the folder's
-- borrower tells; with the borrower beside the state and due date in the
-- index of folders not in file, the count no longer fetches each overdue
-- folder's row from the table (it did after every scan at the desk).
DROP INDEX volumes_out;
CREATE INDEX volumes_out ON volumes (state, due, borrower_id) WHERE state <> 'in-file';
