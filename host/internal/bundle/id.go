package bundle

// ValidID reports whether s is a well-formed deployment id: the hex SHA-256
// of a bundle, 64 lowercase hex digits.
func ValidID(s string) bool {
	return isHexSHA256(s)
}

// isHexSHA256 reports whether s is 64 lowercase hex digits.
func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
