-- Reserved for reliability (issue 6); filled in by the change that needs it.
SELECT 1;
