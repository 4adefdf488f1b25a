-- Reserved for retention, destruction and shelf audits (issue 5); filled in by the change that needs it.
SELECT 1;
