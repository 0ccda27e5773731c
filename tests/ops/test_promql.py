"""The metric-name extraction the dashboard and alert checks rely on."""

import pytest

from tests.ops.promql import exported_names, metric_names

CASES = [
    ("up", {"up"}),
    ('sum(up{job="ledger"})', {"up"}),
    (
        "histogram_quantile(0.95, sum by (le, entrypoint)"
        ' (rate(taizhang_entrypoint_seconds_bucket{service="ledger"}[$__rate_interval])))',
        {"taizhang_entrypoint_seconds_bucket"},
    ),
    (
        'sum by (service) (rate(a_total{expected="false"}[5m]))'
        " / sum by (service) (rate(b_total[5m])) > 0.05",
        {"a_total", "b_total"},
    ),
    (
        "max(lag_seconds and on (instance) (relay_active == 1)) > 30",
        {"lag_seconds", "relay_active"},
    ),
    ("x * on(instance) group_left(version) build_info", {"x", "build_info"}),
    ("sum(x offset 5m) > 1e3", {"x"}),
    ('label_replace(x, "dst", "$1", "src", "(.*)")', {"x"}),
    ('absent(up{job="notify"})', {"up"}),
    ("rate(x[1h:5m]) or vector(0)", {"x"}),
    ("sum(x) without (instance) unless bool y", {"x", "y"}),
]


@pytest.mark.parametrize(("expr", "names"), CASES, ids=[c[0][:40] for c in CASES])
def test_metric_names_are_what_the_expression_selects(expr, names):
    assert metric_names(expr) == names


def test_exported_names_expand_what_each_family_type_exposes():
    page = (
        "# HELP a_total things\n# TYPE a_total counter\n"
        "# HELP b_seconds time\n# TYPE b_seconds histogram\n"
        '# HELP c a gauge\n# TYPE c gauge\nc{x="1"} 2.0\n'
    )
    assert exported_names(page) == {
        "a", "a_total", "a_created",
        "b_seconds", "b_seconds_bucket", "b_seconds_sum", "b_seconds_count", "b_seconds_created",
        "c",
    }  # fmt: skip
