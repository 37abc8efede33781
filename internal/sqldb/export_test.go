package sqldb

// CountContactableSQL exposes the count query to the plan test.
var CountContactableSQL = countContactableSQL
