"""The source transformation: a function's ``ast`` rewritten so that ``if``, ``while`` and ``for`` statements,
``break``, ``continue``, ``return`` inside them, and ``and`` / ``or`` / ``not`` call ``_operators`` (``ag__``),
which decide at run time between Python and graph control flow.

Passes, in order: ``return`` inside compound statements becomes ``do_return`` / ``retval`` flags with the rest of
each block guarded; ``break`` / ``continue`` become flags (the loop's test and the rest of its body guarded);
boolean operators become calls; each ``if`` / ``while`` / ``for`` (innermost first) becomes nested functions that
change the enclosing function's variables through ``nonlocal``, plus one ``ag__`` call.
"""

import ast
import copy

_PREFIX = "ag__"  # generated functions; their names are never state
_DO_RETURN, _RETVAL = "do_return__", "retval__"


class ConversionError(SyntaxError):
    """A construct AutoGraph cannot convert; the message names the file and line and what to write instead."""


def _name(id_, store=False):
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _ag(attr):
    return ast.Attribute(value=_name("ag__"), attr=attr, ctx=ast.Load())


def _call(attr, *args):
    return ast.Call(func=_ag(attr), args=list(args), keywords=[])


def _assign(id_, value):
    return ast.Assign(targets=[_name(id_, True)], value=value)


def _lambda(body):
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                         kwarg=None, defaults=[]), body=body)


def _function_def(name, params, body):
    args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params], vararg=None, kwonlyargs=[],
                         kw_defaults=[], kwarg=None, defaults=[])
    return ast.FunctionDef(name=name, args=args, body=body or [ast.Pass()], decorator_list=[], returns=None,
                           type_params=[])


def _walk_own(nodes, skip_loops=False):
    """The nodes under `nodes` outside nested functions, classes and lambdas (and, with `skip_loops`, loops)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and not (
                    isinstance(child, ast.FunctionDef) and child.name.startswith(_PREFIX)):
                continue
            if skip_loops and isinstance(child, (ast.For, ast.While)):
                continue
            if isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                continue
            stack.append(child)


def assigned_names(nodes):
    """Variables assigned in `nodes` (not in nested scopes other than the generated functions), in order."""
    names = []

    def add(n):
        if n not in names and not n.startswith(_PREFIX):
            names.append(n)
    for node in _walk_own(nodes):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                add((alias.asname or alias.name).split(".")[0])
    return names


class Converter:
    """Converts one function definition (its node's line numbers are the file's)."""

    def __init__(self, filename):
        self.filename = filename
        self.counter = 0

    def fresh(self, base):
        self.counter += 1
        return f"{base}_{self.counter}"

    def where(self, node):
        return f"{self.filename}:{node.lineno}"

    def error(self, node, message):
        return ConversionError(f"{self.where(node)}: {message}")

    def convert(self, fdef):
        """The converted definition of `fdef` (decorators dropped) and the names its generated functions rebind."""
        # nonlocal names stay the function's own unless a converted if / while / for rebinds them from the functions
        # it generates; global names are the module's, which the generated functions declare global in turn.
        control_flow = any(isinstance(n, (ast.If, ast.While, ast.For)) for n in _walk_own(fdef.body))
        self.global_names = {name for node in _walk_own(fdef.body) if isinstance(node, ast.Global)
                             for name in node.names}
        for node in _walk_own(fdef.body):
            if isinstance(node, ast.Nonlocal) and control_flow:
                raise self.error(node, f"AutoGraph cannot convert a function that declares nonlocal "
                                       f"{', '.join(node.names)} and has if / while / for statements; pass the value "
                                       f"in and return it, or use a tf.Variable, or decorate with "
                                       f"tf.autograph.experimental.do_not_convert")
            if isinstance(node, (ast.While, ast.For)) and node.orelse:
                raise self.error(node, "AutoGraph cannot convert a loop with an else clause; set a flag before "
                                       "`break` and test it after the loop")
        fdef = copy.deepcopy(fdef)
        fdef.decorator_list = []
        body = fdef.body
        if any(isinstance(n, ast.Return) for s in body if not isinstance(s, ast.Return)
               for n in _walk_own([s])):
            body = self.lower_returns(body)
        body = self.lower_jumps(body)
        body = [_Calls().visit(s) for s in body]
        body = [_BoolOps().visit(s) for s in body]
        body = self.control_flow(body)
        declared = assigned_names(body)
        params = {a.arg for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs}
        params |= {a.arg for a in (fdef.args.vararg, fdef.args.kwarg) if a is not None}
        # Every variable a generated function rebinds gets a binding here (its value, or Undefined), which
        # `nonlocal` needs.
        prologue = [_assign(n, _call("ld", _lambda(_name(n)), ast.Constant(n))) for n in declared
                    if n not in params and n in self.rebound]
        fdef.body = prologue + body
        return fdef

    rebound = ()
    global_names = frozenset()

    def _state_names(self, nodes):
        """The names `nodes` assign that a generated function carries as state (not the module's globals)."""
        return [v for v in assigned_names(nodes) if v not in self.global_names]

    # ---- return ----
    def lower_returns(self, body):
        out, _ = self.returns_block(body, in_loop=False)
        return ([_assign(_DO_RETURN, ast.Constant(False)), _assign(_RETVAL, _call("Undefined", ast.Constant(
            "return value")))] + out + [ast.Return(value=_call("retval", _name(_RETVAL)))])

    def returns_block(self, stmts, in_loop):
        out = []
        for i, stmt in enumerate(stmts):
            new, may_return = self.returns_stmt(stmt, in_loop)
            out.extend(new)
            if may_return:
                if in_loop:
                    out.append(ast.copy_location(ast.If(test=_name(_DO_RETURN), body=[ast.Break()], orelse=[]), stmt))
                rest, _ = self.returns_block(stmts[i + 1:], in_loop)
                if rest:
                    out.append(ast.copy_location(ast.If(test=_call("not_", _name(_DO_RETURN)), body=rest, orelse=[]),
                                                 stmts[i + 1]))
                return out, True
        return out, False

    def returns_stmt(self, stmt, in_loop):
        if isinstance(stmt, ast.Return):
            new = [_assign(_DO_RETURN, ast.Constant(True)),
                   _assign(_RETVAL, stmt.value if stmt.value is not None else ast.Constant(None))]
            return [ast.copy_location(n, stmt) for n in new] + ([ast.Break()] if in_loop else []), True
        if isinstance(stmt, ast.If):
            body, a = self.returns_block(stmt.body, in_loop)
            orelse, b = self.returns_block(stmt.orelse, in_loop)
            stmt.body, stmt.orelse = body or [ast.Pass()], orelse
            return [stmt], a or b
        if isinstance(stmt, (ast.While, ast.For)):
            body, may = self.returns_block(stmt.body, in_loop=True)
            stmt.body = body
            stmt.ag_has_return = may
            return [stmt], may
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            body, may = self.returns_block(stmt.body, in_loop)
            stmt.body = body
            return [stmt], may
        if isinstance(stmt, ast.Try):
            may = False
            for field in ("body", "orelse", "finalbody"):
                block, m = self.returns_block(getattr(stmt, field), in_loop)
                setattr(stmt, field, block if block or field != "body" else [ast.Pass()])
                may = may or m
            for handler in stmt.handlers:
                handler.body, m = self.returns_block(handler.body, in_loop)
                handler.body = handler.body or [ast.Pass()]
                may = may or m
            return [stmt], may
        return [stmt], False

    # ---- break / continue ----
    def lower_jumps(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.jumps_stmt(stmt))
        return out

    def jumps_stmt(self, stmt):
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, (ast.FunctionDef,
                                                                                       ast.AsyncFunctionDef,
                                                                                       ast.ClassDef)):
                setattr(stmt, field, self.lower_jumps(getattr(stmt, field)))
        for handler in getattr(stmt, "handlers", []):
            handler.body = self.lower_jumps(handler.body)
        if not isinstance(stmt, (ast.While, ast.For)):
            return [stmt]
        own = list(_walk_own(stmt.body, skip_loops=True))
        has_break = any(isinstance(n, ast.Break) for n in own)
        has_continue = any(isinstance(n, ast.Continue) for n in own)
        if not has_break and not has_continue:
            return [stmt]
        brk = self.fresh("break_") if has_break else None
        cont = self.fresh("continue_") if has_continue else None
        body, _ = self.jumps_block(stmt.body, brk, cont)
        stmt.body = ([_assign(cont, ast.Constant(False))] if cont else []) + (body or [ast.Pass()])
        pre = []
        if brk:
            pre.append(ast.copy_location(_assign(brk, ast.Constant(False)), stmt))
            if isinstance(stmt, ast.While):
                stmt.test = _call("and_", _lambda(_call("not_", _name(brk))), _lambda(stmt.test))
            else:
                stmt.ag_extra_test = _lambda(_call("not_", _name(brk)))
        return pre + [stmt]

    def jumps_block(self, stmts, brk, cont):
        out = []
        for i, stmt in enumerate(stmts):
            jumped = False
            if isinstance(stmt, ast.Break):
                out.append(ast.copy_location(_assign(brk, ast.Constant(True)), stmt))
                return out, True
            if isinstance(stmt, ast.Continue):
                out.append(ast.copy_location(_assign(cont, ast.Constant(True)), stmt))
                return out, True
            if isinstance(stmt, ast.If):
                stmt.body, a = self.jumps_block(stmt.body, brk, cont)
                stmt.orelse, b = self.jumps_block(stmt.orelse, brk, cont)
                stmt.body = stmt.body or [ast.Pass()]
                jumped = a or b
            elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.Try)):
                stmt.body, jumped = self.jumps_block(stmt.body, brk, cont)
            out.append(stmt)
            if jumped:
                rest, _ = self.jumps_block(stmts[i + 1:], brk, cont)
                if rest:
                    flags = [_lambda(_name(f)) for f in (brk, cont) if f]
                    test = _call("not_", _call("or_", *flags) if len(flags) > 1 else flags[0].body)
                    out.append(ast.copy_location(ast.If(test=test, body=rest, orelse=[]), stmts[i + 1]))
                return out, True
        return out, False

    # ---- if / while / for ----
    def control_flow(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.control_stmt(stmt))
        return out

    def control_stmt(self, stmt):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return [stmt]
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, self.control_flow(getattr(stmt, field)))
        for handler in getattr(stmt, "handlers", []):
            handler.body = self.control_flow(handler.body)
        if isinstance(stmt, ast.If):
            return self.convert_if(stmt)
        if isinstance(stmt, ast.While):
            return self.convert_while(stmt)
        if isinstance(stmt, ast.For):
            return self.convert_for(stmt)
        return [stmt]

    def state_functions(self, names, n):
        """get_state / set_state definitions for `names` (suffix `n`)."""
        getter = _function_def(f"{_PREFIX}get_state_{n}", [], [ast.Return(value=ast.Tuple(
            elts=[_name(v) for v in names], ctx=ast.Load()))])
        setter_body = []
        if names:
            setter_body = [ast.Nonlocal(names=list(names)),
                           ast.Assign(targets=[ast.Tuple(elts=[_name(v, True) for v in names], ctx=ast.Store())],
                                      value=_name(f"{_PREFIX}values"))]
        setter = _function_def(f"{_PREFIX}set_state_{n}", [f"{_PREFIX}values"], setter_body)
        return getter, setter

    def body_function(self, name, names, body, params=()):
        module_names = sorted(set(assigned_names(body)) & self.global_names)
        return _function_def(name, list(params), ([ast.Global(names=module_names)] if module_names else []) +
                             ([ast.Nonlocal(names=list(names))] if names else []) + body)

    def _rebinds(self, names):
        self.rebound = tuple(set(self.rebound) | set(names))

    def convert_if(self, stmt):
        n = self.counter = self.counter + 1
        body_names, else_names = self._state_names(stmt.body), self._state_names(stmt.orelse)
        names = body_names + [v for v in else_names if v not in body_names]
        self._rebinds(names)
        only_body = [v for v in body_names if v not in else_names]
        only_else = [v for v in else_names if v not in body_names]
        getter, setter = self.state_functions(names, n)
        defs = [self.body_function(f"{_PREFIX}if_body_{n}", names, stmt.body),
                self.body_function(f"{_PREFIX}else_body_{n}", names, stmt.orelse), getter, setter]
        call = ast.Expr(value=_call("if_stmt", stmt.test, _name(f"{_PREFIX}if_body_{n}"),
                                    _name(f"{_PREFIX}else_body_{n}"), _name(getter.name), _name(setter.name),
                                    _strings(names), _strings(only_body), _strings(only_else),
                                    ast.Constant(self.where(stmt))))
        return [ast.copy_location(d, stmt) for d in defs] + [ast.copy_location(call, stmt)]

    def convert_while(self, stmt):
        n = self.counter = self.counter + 1
        names = self._state_names(stmt.body)
        self._rebinds(names)
        getter, setter = self.state_functions(names, n)
        test = _function_def(f"{_PREFIX}loop_test_{n}", [], [ast.Return(value=stmt.test)])
        defs = [test, self.body_function(f"{_PREFIX}loop_body_{n}", names, stmt.body), getter, setter]
        call = ast.Expr(value=_call("while_stmt", _name(test.name), _name(f"{_PREFIX}loop_body_{n}"),
                                    _name(getter.name), _name(setter.name), _strings(names),
                                    ast.Constant(self.where(stmt)),
                                    ast.Constant(bool(getattr(stmt, "ag_has_return", False)))))
        return [ast.copy_location(d, stmt) for d in defs] + [ast.copy_location(call, stmt)]

    def convert_for(self, stmt):
        n = self.counter = self.counter + 1
        item = f"{_PREFIX}item"
        body = [ast.copy_location(ast.Assign(targets=[stmt.target], value=_name(item)), stmt)] + stmt.body
        names = self._state_names(body)
        self._rebinds(names)
        getter, setter = self.state_functions(names, n)
        defs = [self.body_function(f"{_PREFIX}loop_body_{n}", names, body, params=[item]), getter, setter]
        extra = getattr(stmt, "ag_extra_test", None) or ast.Constant(None)
        iterable = stmt.iter
        if isinstance(iterable, ast.Call) and not iterable.keywords and (
                (isinstance(iterable.func, ast.Name) and iterable.func.id == "range") or
                (isinstance(iterable.func, ast.Attribute) and iterable.func.attr == "range")):
            iterable = _call("range_", iterable.func, *iterable.args)  # a range of tensors loops without a tensor
        call = ast.Expr(value=_call("for_stmt", iterable, extra, _name(f"{_PREFIX}loop_body_{n}"),
                                    _name(getter.name), _name(setter.name), _strings(names),
                                    ast.Constant(self.where(stmt)),
                                    ast.Constant(bool(getattr(stmt, "ag_has_return", False)))))
        return [ast.copy_location(d, stmt) for d in defs] + [ast.copy_location(call, stmt)]


def _strings(names):
    return ast.Tuple(elts=[ast.Constant(v) for v in names], ctx=ast.Load())


# Calls left as they are: they read the calling frame (zero-argument super, locals()...).
_FRAME_CALLS = frozenset({"super", "locals", "globals", "vars", "eval", "exec", "dir", "print", "isinstance", "len",
                          "range", "zip", "enumerate", "int", "float", "bool", "str", "list", "tuple", "dict", "type"})


class _Calls(ast.NodeTransformer):
    """``f(a, *b, k=c, **d)`` -> ``ag__.converted_call(f, a, *b, k=c, **d)`` (outside nested functions and
    lambdas), except builtins that need their own frame or gain nothing."""

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in ("float", "int") and not node.keywords and \
                not any(isinstance(a, ast.Starred) for a in node.args):
            return ast.copy_location(_call(node.func.id + "_", *node.args), node)
        if isinstance(node.func, ast.Name) and node.func.id in _FRAME_CALLS:
            return node
        if isinstance(node.func, ast.Attribute) and node.func.attr == "range":
            return node  # tf.range in a for statement is the loop's bounds (convert_for)
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and \
                node.func.value.id == "ag__":
            return node
        return ast.copy_location(ast.Call(func=_ag("converted_call"), args=[node.func] + node.args,
                                          keywords=node.keywords), node)

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef


class _BoolOps(ast.NodeTransformer):
    """``a and b`` -> ``ag__.and_(lambda: a, lambda: b)``, ``or`` likewise, ``not a`` -> ``ag__.not_(a)``
    (outside nested functions and lambdas)."""

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        op = "and_" if isinstance(node.op, ast.And) else "or_"
        return ast.copy_location(_call(op, *[_lambda(v) for v in node.values]), node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(_call("not_", node.operand), node)
        return node

    def visit_FunctionDef(self, node):
        return node

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef
