"""Use cases: the policy's rules, validation, search and workflow. Return DTOs, never ORM rows."""
