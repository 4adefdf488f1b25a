-- Reserved for performance (issue 7); filled in by the change that needs it.
SELECT 1;
