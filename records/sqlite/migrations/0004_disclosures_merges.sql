-- Reserved for disclosures and merges (issue 5); filled in by the change that needs it.
SELECT 1;
