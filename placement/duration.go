package placement

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Duration is a time.Duration that reports encode in JSON as a string such
// as "41ms" or "1.5ms", for people reading the admin API.
type Duration time.Duration

// String returns the duration as time.Duration formats it.
func (d Duration) String() string {
	return time.Duration(d).String()
}

// MarshalJSON encodes d as a quoted time.Duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, d.String()), nil
}

// UnmarshalJSON decodes a quoted time.Duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("placement: duration: %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("placement: duration: %w", err)
	}
	*d = Duration(v)
	return nil
}
