// Placeholder replaced by the AST engineer in this session.
