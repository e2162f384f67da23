package placement

import (
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	defaults := Config{
		Mode: ModeSmart, Baseline: DefaultBaseline, MinInvocations: DefaultMinInvocations,
		MarginAbs: DefaultMarginAbs, MarginRel: DefaultMarginRel, ForwardOverhead: DefaultForwardOverhead,
		RevertMinSamples: DefaultRevertMinSamples, RevertTolerance: DefaultRevertTolerance, Window: DefaultWindow,
		PassiveMinSamples: DefaultPassiveMinSamples, Refresh: DefaultRefresh,
	}
	tests := []struct {
		name string
		in   Config
		want func(*Config)
	}{
		{"zero values are the defaults", Config{Mode: ModeSmart}, func(*Config) {}},
		{"negative values", Config{
			Mode: ModeSmart, Baseline: -1, MinInvocations: -1, MarginAbs: -1, MarginRel: -1, ForwardOverhead: -1,
			RevertMinSamples: -1, RevertTolerance: -1, Window: -1, PassiveMinSamples: -1, Refresh: -1,
		}, func(c *Config) {
			c.Baseline, c.MinInvocations, c.MarginAbs, c.MarginRel, c.ForwardOverhead = 0, 1, 0, 0, 0
			c.RevertMinSamples, c.RevertTolerance, c.PassiveMinSamples, c.Refresh = 1, 0, 1, 0
		}},
		{"baseline above one", Config{Mode: ModeSmart, Baseline: 2}, func(c *Config) { c.Baseline = 1 }},
		{"set values are kept", Config{Mode: ModeSmart, Baseline: 0.05, Window: time.Minute, MarginAbs: ms},
			func(c *Config) { c.Baseline, c.Window, c.MarginAbs = 0.05, time.Minute, ms }},
		{"unknown mode", Config{Mode: "fast"}, func(c *Config) { c.Mode = ModeOff }},
		{"targeted without a target", Config{Mode: ModeTargeted}, func(c *Config) { c.Mode = ModeOff }},
		{"targeted region", Config{Mode: ModeTargeted, Region: "a"}, func(c *Config) { c.Mode, c.Region = ModeTargeted, "a" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := defaults
			tt.want(&want)
			if got := tt.in.withDefaults(); got != want {
				t.Errorf("withDefaults:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}
