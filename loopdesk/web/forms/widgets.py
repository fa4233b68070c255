"""Rendering form fields without a template per option.

The complaint page carries a form per action, several with a choice of every staff member; Django
renders each <option> through a template, which made selects the most expensive part of the page.
These render the same HTML in Python.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        w = self.get_context(name, value, attrs)["widget"]
        parts = [format_html("<select name=\"{}\"{}>", name, flatatt(w["attrs"]))]
        for group, options, _index in w["optgroups"]:
            rows = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                (o["value"], mark_safe(" selected") if o["selected"] else "", o["label"])
                for o in options))
            parts.append(format_html("<optgroup label=\"{}\">{}</optgroup>", group, rows) if group else rows)
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


def speed_up(form: forms.Form) -> None:
    """Swap plain selects for FastSelect (same attributes, same choices, same HTML)."""
    for f in form.fields.values():
        if type(f.widget) is forms.Select:
            f.widget.__class__ = FastSelect


def render_field(bf: forms.BoundField) -> SafeString:
    """Label, input, help text and errors of one field, tied together for screen readers."""
    widget = bf.field.widget
    input_type = getattr(widget, "input_type", "")
    many = getattr(widget, "allow_multiple_selected", False) and input_type == "checkbox"
    single_check = input_type == "checkbox" and not many
    classes = ["field"] + (["has-error"] if bf.errors else []) + (["field-check"] if single_check else [])
    help_id, error_id = f"{bf.auto_id}_helptext", f"{bf.auto_id}_error"
    described = " ".join(([help_id] if bf.help_text else []) + ([error_id] if bf.errors else []))
    if many or input_type == "radio":
        inner = format_html("<fieldset class=\"choices\"{}><legend>{}</legend>{}</fieldset>",
                            format_html(" aria-describedby=\"{}\"", described) if described else "",
                            bf.label, _choices(bf, input_type))
    else:
        attrs = {"aria-describedby": described} if described else {}
        if bf.errors:
            attrs["aria-invalid"] = "true"
        rendered = bf.as_widget(attrs=attrs)
        if single_check:
            inner = format_html("<label for=\"{}\">{} {}</label>", bf.id_for_label, rendered, bf.label)
        else:
            required = mark_safe(" <span class=\"req\" aria-hidden=\"true\">*</span>") if bf.field.required else ""
            inner = format_html("<label for=\"{}\">{}{}</label>{}", bf.id_for_label, bf.label, required, rendered)
    help_html = format_html("<p class=\"help\" id=\"{}\">{}</p>", help_id, bf.help_text) if bf.help_text else ""
    errors = format_html_join("", "<p class=\"field-error\" id=\"{}\">{}</p>", ((error_id, e) for e in bf.errors))
    return format_html("<div class=\"{}\">{}{}{}</div>", " ".join(classes), inner, help_html, errors)


def _choices(bf: forms.BoundField, input_type: str) -> SafeString:
    value = bf.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    rows = []
    for i, (key, label) in enumerate(bf.field.choices):
        if key in ("", None) and input_type == "radio":
            continue
        option_id = f"{bf.auto_id}_{i}"
        rows.append(format_html(
            "<label for=\"{}\"><input type=\"{}\" name=\"{}\" value=\"{}\" id=\"{}\"{}> {}</label>",
            option_id, input_type, bf.html_name, key, option_id,
            mark_safe(" checked") if str(key) in chosen else "", label))
    return mark_safe("".join(rows))  # noqa: S308 - each row is escaped by format_html
