"""The credit check made when a contract is made (issue 16, item 2)."""
