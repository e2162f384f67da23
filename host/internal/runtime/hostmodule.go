package runtime

import (
	"context"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmpages/wasmpages/abi"
)

// hostFunc is one host function of abi.ImportModule: all parameters and the
// result are i32.
type hostFunc struct {
	name   string
	params []string
	fn     func(ctx context.Context, c *Call, mod api.Module, stack []uint64) int32
}

// hostFuncs lists every host function; each is defined in the file of its
// capability (request.go, response.go, fetch.go).
var hostFuncs = []hostFunc{
	requestHeadFunc, requestBodyReadFunc,
	responseHeadFunc, responseBodyWriteFunc,
	fetchFunc, fetchHeadFunc, fetchBodyReadFunc, fetchCloseFunc,
	requestParamsFunc, dataGetFunc, dataSetFunc, passThroughFunc,
}

// instantiateHostModule defines abi.ImportModule in rt.
func instantiateHostModule(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(abi.ImportModule)
	for _, f := range hostFuncs {
		params := make([]api.ValueType, len(f.params))
		for i := range params {
			params[i] = api.ValueTypeI32
		}
		b.NewFunctionBuilder().
			WithGoModuleFunction(wrap(f.fn), params, []api.ValueType{api.ValueTypeI32}).
			WithParameterNames(f.params...).
			WithResultNames("result").
			Export(f.name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// wrap finds the invocation a host call belongs to. A host function called
// outside an invocation (from _initialize, say) gets abi.ErrState.
func wrap(fn func(ctx context.Context, c *Call, mod api.Module, stack []uint64) int32) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		c := callFrom(ctx)
		if c == nil {
			ret(stack, abi.ErrState)
			return
		}
		ret(stack, fn(ctx, c, mod, stack))
	}
}
