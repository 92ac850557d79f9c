from steiger.shared.tracing import continue_trace, new_traceparent, trace_id


def test_continuing_a_trace_keeps_its_id_and_makes_a_new_span():
    incoming = new_traceparent()
    child = continue_trace(incoming)
    assert trace_id(child) == trace_id(incoming)
    assert child != incoming


def test_a_malformed_traceparent_starts_a_new_trace():
    child = continue_trace("not-a-traceparent")
    assert trace_id(child) is not None
    assert continue_trace(None) != continue_trace(None)
