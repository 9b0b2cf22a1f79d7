from ownup.ui.forms import select_options


def test_options_are_escaped_and_the_selected_one_marked():
    html = select_options([("1", 'Tom & "Jerry" <b>'), ("2", "Plain")], "2")
    assert html == ('<option value="1">Tom &amp; &quot;Jerry&quot; &lt;b&gt;</option>'
                    '<option value="2" selected>Plain</option>')
