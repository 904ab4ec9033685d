"""The admin console's rules: what an operator may do to people, lessons and money, each action kept in the audit
log (`audit`)."""
