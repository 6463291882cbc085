"""Updates the register takes from the registers and services the privacy statement names
(issue 16): the trade register's company data and a mover service's address changes. Each
source is one adapter (its documented format) and one module of use cases here; what they
share (the file applied once, the counts, the rule for conflicts) is in `files`."""
