package placement

import "time"

// Placement modes (spec §1.8), as the caller normalises them.
const (
	ModeOff      = "off"
	ModeSmart    = "smart"
	ModeTargeted = "targeted"
)

// Placement statuses (spec §1.5).
const (
	// StatusNone is the absent status: not analysed, runs locally. It is
	// every module's status outside smart mode, and a module's status
	// before its first invocation.
	StatusNone = ""
	// StatusInsufficientInvocations: fewer than Config.MinInvocations
	// invocations in the window; runs locally, or at the hint.
	StatusInsufficientInvocations = "INSUFFICIENT_INVOCATIONS"
	// StatusSuccess: analysed; each request runs where its estimated
	// duration is lowest, which may be the ingress.
	StatusSuccess = "SUCCESS"
	// StatusUnsupportedApplication: placement was tried and made the module
	// slower than the baseline, so it was reverted: the module runs locally
	// for the life of the Engine (one deployment).
	StatusUnsupportedApplication = "UNSUPPORTED_APPLICATION"
)

// Defaults of the Config fields.
const (
	DefaultBaseline          = 0.01
	DefaultMinInvocations    = 10
	DefaultMarginAbs         = 5 * time.Millisecond
	DefaultMarginRel         = 0.2
	DefaultForwardOverhead   = time.Millisecond
	DefaultRevertMinSamples  = 5
	DefaultRevertTolerance   = 0.1
	DefaultWindow            = 10 * time.Minute
	DefaultPassiveMinSamples = 5
	DefaultRefresh           = 100 * time.Millisecond
)

// raisedBaseline is the baseline share used while a module is placed from an
// ingress with fewer than Config.RevertMinSamples baseline samples in the
// window, so that the revert comparison can be made within seconds.
const raisedBaseline = 0.1

// Config is one project's placement settings (its [placement] table) and the
// tuning of the engine. Zero values mean the defaults stated on each field.
type Config struct {
	// Mode is "off", "smart" or "targeted", already normalised by the
	// caller (config.Placement.Normalized). Any other value, "" included,
	// is "off", and so is "targeted" without Region, Host or Hostname.
	Mode string

	// Hint is, in smart mode, the region in which modules run before they
	// have Config.MinInvocations invocations (spec §1.8 hint). It is used
	// only when it names one of the engine's regions. Default: none.
	Hint string

	// Region is, in targeted mode, the region in which every module runs.
	Region string

	// Host is, in targeted mode, a "host:port": modules run in the region
	// whose TCP probes to it have the lowest round trip.
	Host string

	// Hostname is, in targeted mode, a hostname: modules run in the region
	// whose HTTP probes to it ("https://hostname" or "http://hostname")
	// have the lowest round trip.
	Hostname string

	// Baseline is the share of smart-placed requests kept at the ingress as
	// the baseline (spec §1.6). Default 0.01; negative means none, which
	// also disables the revert. It is raised to at least 0.1 while an
	// ingress has fewer than RevertMinSamples baseline samples in the window.
	Baseline float64

	// MinInvocations is how many invocations of a module (from all
	// ingresses, within the window) smart mode needs before it decides;
	// until then the status is INSUFFICIENT_INVOCATIONS and the module runs
	// locally, or at the hint. Default 10; negative means 1.
	MinInvocations int

	// MarginAbs and MarginRel make the margin by which a candidate must
	// beat the incumbent (the region the module runs in now, the ingress
	// at first) to replace it: max(MarginAbs, MarginRel × the incumbent's
	// estimate). Defaults 5ms and 0.2; negative means zero.
	MarginAbs time.Duration
	MarginRel float64

	// ForwardOverhead is added to the measured round trip between two
	// regions to make the cost of forwarding a request. Default 1ms;
	// negative means zero.
	ForwardOverhead time.Duration

	// RevertMinSamples is how many placed and how many baseline durations
	// (each, per ingress, within the window) the revert needs before it
	// judges. Default 5; negative means 1.
	RevertMinSamples int

	// RevertTolerance: when the placed median of an ingress exceeds its
	// baseline median by more than this share, the module is reverted.
	// Default 0.1; negative means zero.
	RevertTolerance float64

	// Window is how long observations count: invocations, probes and their
	// timings older than this (relative to the time passed in) are
	// forgotten. Default 10 minutes.
	Window time.Duration

	// PassiveMinSamples is how many timings of a module's round trips from
	// a region to an origin make that region's round trip passive (their
	// median) rather than taken from probes. Default 5; negative means 1.
	PassiveMinSamples int

	// Refresh is how often, in the time passed in, a module's estimates and
	// decisions are recomputed; between two refreshes Decide only reads
	// them. Default 100ms; negative means at every call.
	Refresh time.Duration

	// Seed seeds the engine's random source (a PCG), which draws the
	// baseline share.
	Seed uint64
}

// withDefaults returns c with the default in place of each zero value and
// negative values brought into range.
func (c Config) withDefaults() Config {
	switch {
	case c.Mode == ModeSmart:
	case c.Mode == ModeTargeted && (c.Region != "" || c.Host != "" || c.Hostname != ""):
	default:
		c.Mode = ModeOff
	}
	switch {
	case c.Baseline == 0:
		c.Baseline = DefaultBaseline
	case c.Baseline < 0:
		c.Baseline = 0
	case c.Baseline > 1:
		c.Baseline = 1
	}
	c.MinInvocations = defaultInt(c.MinInvocations, DefaultMinInvocations)
	c.MarginAbs = defaultDuration(c.MarginAbs, DefaultMarginAbs)
	c.MarginRel = defaultFloat(c.MarginRel, DefaultMarginRel)
	c.ForwardOverhead = defaultDuration(c.ForwardOverhead, DefaultForwardOverhead)
	c.RevertMinSamples = defaultInt(c.RevertMinSamples, DefaultRevertMinSamples)
	c.RevertTolerance = defaultFloat(c.RevertTolerance, DefaultRevertTolerance)
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	c.PassiveMinSamples = defaultInt(c.PassiveMinSamples, DefaultPassiveMinSamples)
	c.Refresh = defaultDuration(c.Refresh, DefaultRefresh)
	return c
}

// defaultInt returns def for zero and 1 for a negative n.
func defaultInt(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 1
	}
	return n
}

// defaultDuration returns def for zero and zero for a negative d.
func defaultDuration(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// defaultFloat returns def for zero and zero for a negative f.
func defaultFloat(f, def float64) float64 {
	switch {
	case f == 0:
		return def
	case f < 0:
		return 0
	}
	return f
}
