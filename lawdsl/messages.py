"""The message catalogue: every diagnostic the parser, builder and checker give, in each surface language.

A statute's diagnostics speak the language it is written in (docs/language.md for
English; the same shape, in Chinese, for `法规` files). Code names a message
by key and passes its fields; the catalogue holds one template per language.
Fields that are themselves vocabulary (a type, a party kind, a domain, a
rule's name) are given in English and translated with `word`, so that code
never branches on the language.
"""

from __future__ import annotations

from typing import Iterable

from .diagnostics import closest

#: key → (English template, Chinese template), `str.format` fields.
MESSAGES: dict[str, tuple[str, str]] = {
    # suggestions and quoting
    "did_you_mean": ("; did you mean '{name}'?", "；您是否指「{name}」？"),
    "quoted": ("'{text}'", "「{text}」"),
    # lexer
    "unterminated_text": (
        'unterminated text block: """ opened here is never closed',
        '文本块未闭合：此处的 """ 没有对应的结尾 """',
    ),
    "unterminated_string": (
        "unterminated string: {open} opened here is not closed on this line",
        "引号未闭合：此处的{open}在本行内没有对应的{close}",
    ),
    "thousands_separator": (
        "write numbers without a thousands separator: '{number}'",
        "数字不能使用千位分隔符：请写作 {number}",
    ),
    "smart_quotes": (
        'smart quotes are not quotes here; write straight quotes: "{text}"',
        "此处的引号须写作「」：「{text}」",
    ),
    "smart_quote": ('smart quotes are not quotes here; write straight quotes (")', "此处的引号须写作「」"),
    "full_width": (
        "full-width '{char}' in an English statute; write '{fix}'",
        "英文法规中出现全角“{char}”；请写作“{fix}”",
    ),
    "unexpected_character": ("unexpected character '{char}'", "无法识别的字符「{char}」"),
    # parser
    "empty_statute": ('empty statute: a statute begins with statute "<title>"', "空法规：法规以“法规《标题》”开头"),
    "missing_dot": ("missing '.' at the end of the sentence (found {found})", "句末缺少“。”（遇到{found}）"),
    "unexpected_eof": ("unexpected end of file; expected {expected}", "文件意外结束；此处应为{expected}"),
    "expected_found": ("expected {expected}, found {found}", "此处应为{expected}，却遇到{found}"),
    "rate_as_multiple": (
        "write a rate as a percentage: {number} times is {percent}",
        "比率须写作百分比：{number} 倍即 {percent}",
    ),
    "percent_word": ("write a percentage with the % sign: {number}%", "百分比须用 % 号书写：{number}%"),
    "unit_abbreviation": (
        "write the unit as a word: '{duration}', not '{written}'",
        "时长单位须写全：「{duration}」，而非「{written}」",
    ),
    "out_of_place": ("{found} is out of place: expected {form}", "{found}不应出现在此处：此处应为{form}"),
    "unknown_word": ("unknown word '{word}'; expected {expected}", "无法识别的词语「{word}」；此处应为{expected}"),
    "end_of_file": ("the end of the file", "文件结尾"),
    "found_text_block": ("'{text}'", '"""文本块"""'),
    "keyword": ("'{text}'", "“{text}”"),
    "terminal_NAME": ("a name", "名称"),
    "terminal_STRING": ("a quoted string", "用「」括起的文字"),
    "terminal_TEXT": ('a """text block"""', '"""文本块"""'),
    "terminal_NUMBER": ("a number", "数字"),
    "terminal_MONEY": ("money (like CNY 25.50)", "金额（如 CNY 25.50）"),
    "terminal_PERCENT": ("a percentage (like 150%)", "百分比（如 150%）"),
    "terminal_DATE": ("a date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
    "terminal_TZ": ("a time zone (like +08:00)", "时区（如 +08:00）"),
    "terminal_CLOCK": ("a time of day (like 22:00)", "时刻（如 22:00）"),
    "terminal_WEEKDAY": ("a weekday", "星期（如星期一）"),
    "terminal_NTH": ("an ordinal (like 'seventh')", "序数（如第七）"),
    "terminal_NTH_DAY": ("an ordinal day (like 第七日)", "序数日（如第七日）"),
    "terminal_ARTICLE_ID": ("an article number", "条号"),
    "terminal_DOT": ("'.'", "“。”"),
    "terminal_COMMA": ("','", "“，”"),
    "terminal_COLON": ("':'", "“：”"),
    "terminal_SEMICOLON": ("';'", "“；”"),
    "terminal_$END": ("the end of the file", "文件结尾"),
    "rule_sentence": ("a rule sentence", "规则语句"),
    "or_another_article": (" or another article", "或下一条"),
    "or": ("{first} or {last}", "{first}或{last}"),
    "list_sep": (", ", "、"),
    # builder: literals that cannot be values
    "not_a": ("'{text}' is not {what}", "「{text}」不是{what}"),
    "date_format": ("date '{text}' must be written YYYY-MM-DD", "日期「{text}」须写作 YYYY-MM-DD"),
    "no_such_month": ("impossible date {text}: there is no month {month}", "不存在的日期 {text}：没有 {month} 月"),
    "no_such_day": (
        "impossible date {text}: {month_name} {year} has {days} days",
        "不存在的日期 {text}：{year} 年 {month} 月只有 {days} 天",
    ),
    "percent_decimals": (
        "a percentage has at most 4 decimals; '{text}' has more",
        "百分比至多 4 位小数；「{text}」超出了",
    ),
    "not_whole": ("'{text}' is not a whole number", "「{text}」不是整数"),
    "unexpected_literal": ("unexpected literal '{text}'", "无法识别的字面量「{text}」"),
    "duration_minutes": ("'{number} {unit}s' is not a whole number of minutes", "「{number} {unit}」不是整数分钟"),
    "time_zone_range": (
        "time zone {tz} does not exist (offsets run from -14:00 to +14:00)",
        "时区 {tz} 不存在（时差须在 -14:00 至 +14:00 之间）",
    ),
    "no_such_time": (
        "'{text}' is not a time of day: hours run from 00 to 23 and minutes from 00 to 59 (midnight is 00:00)",
        "「{text}」不是一天中的时刻：小时为 00 至 23，分钟为 00 至 59（午夜写作 00:00）",
    ),
    "empty_window": (
        "the window from {opens} to {closes} is empty: a window needs two different times (it may cross midnight, "
        "like 22:00 to 05:00)",
        "{opens} 至 {closes} 的时段为空：时段须有两个不同的时刻（可跨越午夜，例如 22:00 至 05:00）",
    ),
    "time_zone_unknown": (
        "the tz database has no time zone {tz}; did you mean {hint}? (a zone is Area/City, or an offset like +08:00)",
        "时区数据库中没有时区 {tz}；是否指 {hint}？（时区写作 洲/城市，或写时差如 +08:00）",
    ),
    "header_twice": ("the header gives its {what} twice", "法规开头两次给出{what}"),
    "header_currency": ("the header must name the currency, like 'currency CNY'", "法规开头须写明货币，例如“货币 CNY”"),
    "bad_version": ("version must be a whole number, found '{text}'", "版本号须为整数，却遇到「{text}」"),
    "range_reversed": (
        "the range ends ({last}) before it begins ({first})",
        "日期区间的结束日（{last}）早于开始日（{first}）",
    ),
    "bad_article_id": (
        "article id '{id}' is not a dotted number like 44 or 44.1",
        "条号「{id}」须是 44 或 44.1 这样以点分隔的数字",
    ),
    "unknown_currency": ("unknown currency '{code}'", "未知货币「{code}」"),
    "unknown_party_kind": (
        "unknown party kind '{kind}'; expected firm, worker, device, agency or citizen",
        "未知的当事人类别「{kind}」；应为企业、职工、设备、机关或公民",
    ),
    # checker
    "version_too_small": ("version must be 1 or more", "版本号须不小于 1"),
    "empty_name": ("the name '{name}' has no word besides a, an and the", "名称「{name}」为空"),
    "already_declared": ("'{name}' is already declared at line {line}", "「{name}」已在第 {line} 行声明"),
    "domain_term_elsewhere": (
        "rest days, public holidays and week starts belong to working time statutes; this statute governs {domain}",
        "休息日、法定节假日和每周起始日只属于规范工作时间的法规；本法规规范{domain}",
    ),
    "only_once": (
        "this sentence may appear only once; put every date or day in one list",
        "此语句只能出现一次；请把所有日期或星期列在同一句中",
    ),
    "wrong_currency": ("expected {expected}, found {found}", "此处应为 {expected}，却遇到 {found}"),
    "empty_duration": ("a duration must be longer than zero", "时长必须大于零"),
    "too_many_parties": (
        "a {domain} statute has {allowed}; '{name}' is one too many",
        "规范{domain}的法规{allowed}；「{name}」超出了数量",
    ),
    "no_party_of_kind": ("no {kind}", "不设{kind}"),
    "at_most_parties": ("at most {count} {kind}{plural}", "至多设 {count} 个{kind}"),
    "missing_party": (
        "a {domain} statute needs a {kind} among its parties",
        "规范{domain}的法规须在当事人中设一个{kind}",
    ),
    "no_article": ("a statute needs at least one article", "法规至少须有一条"),
    "duplicate_article": ("article {id} is already defined at line {line}", "第 {id} 条已在第 {line} 行定义"),
    "rule_elsewhere": (
        "a {rule} rule belongs to {owner} statutes; this statute governs {domain}",
        "{rule}规则只属于规范{owner}的法规；本法规规范{domain}",
    ),
    "second_sentence": (
        "a second {rule} sentence; the first is at line {line}, and a statute has only one",
        "重复的{rule}语句；第一句在第 {line} 行，一部法规只能有一句",
    ),
    "expected_type_found_party": (
        "expected {expected}, found the party '{name}'",
        "此处应为{expected}，却遇到当事人「{name}」",
    ),
    "unknown_term": ("unknown term '{name}'", "未知术语「{name}」"),
    "expected_type": ("expected {expected}, found {found}", "此处应为{expected}，却遇到{found}"),
    "expected_party_found_term": (
        "expected a party ({kinds}), found the term '{name}'",
        "此处应为当事人（{kinds}），却遇到术语「{name}」",
    ),
    "unknown_party": ("unknown party '{name}'", "未知当事人「{name}」"),
    "wrong_party_kind": (
        "expected {a} {kinds} here, found '{name}', which is {a_kind} {kind}",
        "此处应为{kinds}，却遇到「{name}」，它是{kind}",
    ),
    "window_not_additional": (
        "a time-of-day window marks a premium added to the rate in force: write 'earns an additional {rate} of "
        "the hourly wage' (rates without 'additional' never stack: the highest wins)",
        "时段规定的是在适用费率之上另行加发的部分：请写作“按小时工资的 {rate} 另行加发”"
        "（未写“另行加发”的费率不叠加，取最高者）",
    ),
    "not_counting_without_beyond": (
        "'not counting hours already paid as overtime' says what a count leaves out: write it after the count, "
        "like 'beyond 40 hours in a week, not counting hours already paid as overtime,'",
        "“扣除已按加班计发的工时后”说明计数时扣除的部分：请写在计数之中，"
        "例如“一周内扣除已按加班计发的工时后超出 40 小时的”",
    ),
    "consecutive_day_period": (
        "consecutive days of work are counted in a week: write 'in a week', "
        "like 'on the seventh consecutive day of work in a week,'",
        "连续工作的天数按周计算：请写“一周内”，例如“一周内连续工作的第七日，”",
    ),
    "consecutive_day_beyond_week": (
        "a week has 7 days: there is no {ordinal} consecutive day of work in a week (the last is the seventh)",
        "一周只有 7 日：一周内没有连续工作的{ordinal}（最多为第七日）",
    ),
    "consecutive_day_first": (
        "'the first consecutive day of work' is no run of days: a run begins with its second day "
        "(write the rule without the condition to cover every day of work)",
        "“连续工作的第一日”不构成连续工作：连续工作自第二日起算（适用于每个工作日的规则无须写此条件）",
    ),
    "yearly_pay": (
        "wages are paid at each clock-out or at the end of each week, half month or month, not once a year "
        "(a year is a period for counts and limits)",
        "工资在每次下班打卡时，或在每周、每半月、每月结束时支付，不按年支付（年是计数和限额的期间）",
    ),
    "year_hours_count": (
        "hours worked are counted for pay in a day, a week or a month; in a year, count overtime ('each hour "
        "of overtime beyond 360 hours in a year') or set a limit ('hours worked beyond 2000 hours in a year "
        "are a violation.')",
        "计发工资的工作时长按日、周或月计数；按年计数的，请计加班（“一年内超出 360 小时的每小时加班”）"
        "或规定限额（“一年内超出 2000 小时的工作时长，属于违法。”）",
    ),
    "overtime_not_counting": (
        "a count of overtime has no overtime to leave out: write 'each hour of overtime beyond …' or 'each hour "
        "worked beyond …, not counting hours already paid as overtime,', not both",
        "加班的计数中没有可扣除的加班：请写“超出…的每小时加班”或“扣除已按加班计发的工时后超出…的每小时工作”，"
        "不要同时写",
    ),
    "missing_sentence": ("a {domain} statute needs {form}", "规范{domain}的法规须有{form}"),
    # warnings (lawdsl/check/lint.py)
    "never_applies": ("this rule never applies: the statute names no {days}", "此规则永不适用：本法规未规定{days}"),
    "never_pays": (
        "this rule never pays: article {article} ('{sentence}') applies to every minute this rule does, at "
        "{rate}; rates never stack, the highest wins and ties go to the earlier article (to add a premium "
        "to the rate in force, write 'earns an additional 25% of the hourly wage')",
        "此规则永远不会计发：第 {article} 条（“{sentence}”）适用于此规则所适用的每一分钟，费率为 {rate}；"
        "费率不叠加，取最高者，相同时取在先的条文（如需在适用费率之上加付，请写作“按小时工资的 25% 另行加发”）",
    ),
    "no_overtime": (
        "this limit can never be exceeded: no earning rule that applies here pays more than 100% of the "
        "hourly wage, so there is no overtime to count",
        "此限制永远不会被超出：此处适用的计发规则均不超过小时工资的 100%，因此没有可计算的加班",
    ),
    # bounds: what a contract holds (lawdsl/check/bounds.py)
    "version_too_large": ("a version number can be at most {most}", "版本号至多为 {most}"),
    "percentage_too_large": ("a percentage can be at most {most}", "百分比至多为 {most}"),
    "share_of_contract_price": (
        "{what} must be more than 0% and at most 100% of the contract price; found {found}",
        "{what}须大于合同价格的 0%，且不超过 100%；却遇到 {found}",
    ),
    "duration_too_long": ("a duration can be at most {most} weeks", "时长至多为 {most} 周"),
    "negative_amount": ("an amount cannot be negative; found {amount}", "金额不能为负数；却遇到 {amount}"),
    "amount_too_large": ("an amount can be at most {most}", "金额至多为 {most}"),
    "date_out_of_range": (
        "date {date} is outside the dates a statute can name ({first} to {last})",
        "日期 {date} 超出了法规可用的日期范围（{first} 至 {last}）",
    ),
    "working_time_zone_changes_twice": (
        "{tz} changes its clocks twice within two days (the second time at {when} UTC), and a "
        "working-time contract reads a shift at one change of the clocks at most; write a fixed offset "
        "(e.g. 'time zone -08:00') or another zone",
        "{tz} 在两天内两次调整时钟（第二次在 UTC {when}），而工时合约对一个班次至多按一次时钟调整计算；"
        "请改写固定时差（例如“时区 -08:00”）或另一个时区",
    ),
    "working_time_zone_midnight": (
        "{tz} changes its clocks across midnight (at {when} UTC), so that a day would not begin at "
        "00:00, and a working-time contract counts days from their midnight; write a fixed offset "
        "(e.g. 'time zone -08:00') or another zone",
        "{tz} 跨越午夜调整时钟（在 UTC {when}），当天不从 00:00 开始，而工时合约从午夜起算每一天；"
        "请改写固定时差（例如“时区 -08:00”）或另一个时区",
    ),
    "working_time_zone_with_counts": (
        "a working time statute in a zone whose clocks change cannot yet count overtime or limit hours in a "
        "year ({tz}): write a fixed offset (e.g. 'time zone -08:00'), or leave the count out",
        "时区会调整时钟的工作时间法规尚不能计算加班或按年限制工时（{tz}）："
        "请改写固定时差（例如“时区 -08:00”），或删去该计数",
    ),
    "holiday_after_zone_table": (
        "public holiday {date} falls after the contract's table of {tz}'s clock changes, which ends on "
        "{end} ({years} years after the effective year) and with it the contract; name later holidays "
        "in a new version",
        "法定节假日 {date} 晚于合约所载 {tz} 时钟调整表的终点 {end}（生效年份后 {years} 年），"
        "合约亦于该日停止；更晚的节假日请在新版本中规定",
    ),
    "holidays_too_far_apart": (
        "public holidays can span at most {years} years; {first} to {last} is longer",
        "法定节假日的跨度至多为 {years} 年；{first} 至 {last} 超出了",
    ),
    "article_id_too_long": ("an article number can be at most {most} characters long", "条号至多 {most} 个字符"),
    "too_many_rules": (
        "a working time statute can have at most {most} {rule} sentences; this is one more",
        "规范工作时间的法规至多有 {most} 句{rule}语句；此句超出了数量",
    ),
    # instalments (lawdsl/check/instalments.py)
    "too_many_instalments": (
        "a voucher comes in at most {most} instalments; this is one too many",
        "消费券至多分 {most} 期发放；此处超出",
    ),
    "instalments_transferable": (
        "vouchers issued in instalments cannot be transferable: a transfer would put a later instalment "
        "ahead of an earlier one; write 'vouchers are not transferable.'",
        "分期发放的消费券不得转让：转让会使后一期先于前一期使用；请写“消费券不得转让。”",
    ),
    "instalment_not_positive": (
        "an instalment must be a positive amount, not {amount}",
        "每期金额须为正数，而非 {amount}",
    ),
    "instalments_out_of_order": (
        "instalments must come in date order: {date} is not after {previous}",
        "各期须按日期先后排列：{date} 不晚于 {previous}",
    ),
    "instalment_outside_period": (
        "an instalment on {date} falls outside the period in which vouchers may be spent ({first} to {last})",
        "{date} 发放的一期不在消费券的使用期间（{first} 至 {last}）内",
    ),
    "instalments_sum": (
        "the instalments add up to {total}, but the issue rule's face value is {face}; they must be equal",
        "各期金额合计 {total}，而发放规则的面值为 {face}；两者须相等",
    ),
    "too_many_rules_with_clock_changes": (
        "a working time statute in a zone whose clocks change can have at most {most} {rule} sentences (its "
        "contract also carries the table of clock changes and must stay within 24,576 bytes); this is one more",
        "时区会调整时钟的工作时间法规至多有 {most} 句{rule}语句（其合约还载有时钟调整表，须在 24,576 字节以内）；"
        "此句超出了数量",
    ),
    "too_many_with_consecutive_days": (
        "a working time statute with a rule on consecutive days of work can have at most {most} {rule} "
        "sentences (its contract must stay within 24,576 bytes); this is one more",
        "含有连续工作日规则的工作时间法规至多有 {most} 句{rule}语句（其合约须在 24,576 字节以内）；此句超出了数量",
    ),
    "too_many_with_counts": (
        "a working time statute that counts overtime or limits hours in a year can have at most {most} {rule} "
        "(its contract must stay within 24,576 bytes); this is one more",
        "计算加班或按年限制工时的工作时间法规至多有 {most} {rule}（其合约须在 24,576 字节以内）；此处超出了数量",
    ),
    "too_many_limits_with_windows": (
        "a working time statute with a time-of-day window or a count that leaves out overtime can have at most "
        "{most} limit sentences (its contract must stay within 24,576 bytes); this is one more",
        "含有时段或扣除加班工时计数的工作时间法规至多有 {most} 句限制语句"
        "（其合约须在 24,576 字节以内）；此句超出了数量",
    ),
    # required sentences, as the checker suggests them
    "form_earning": (
        "an earning rule, like 'each hour worked beyond 8 hours earns 150% of the hourly wage.'",
        "计发规则，例如“超出 8 小时的每小时工作，按小时工资的 150% 计发。”",
    ),
    "form_wage_payment": (
        "the payment sentence, like '<employer> pays <employee> at each clock-out.'",
        "支付语句，例如“<用人单位>在每次下班打卡时向<劳动者>支付。”",
    ),
    "form_issue": (
        "the issue rule, like '<agency> issues a voucher of CNY 200.00 to each <citizen>.'",
        "发放规则，例如“<机关>向每名<公民>发放面值为 CNY 200.00 的消费券。”",
    ),
    "form_instalments": (
        "the instalments rule, like 'vouchers are issued in instalments: CNY 100.00 on 2026-03-01, "
        "then CNY 100.00 on 2026-04-01.'",
        "分期发放规则，例如“消费券分期发放：在 2026-03-01 发放 CNY 100.00，在 2026-04-01 发放 CNY 100.00。”",
    ),
    "form_where": (
        "the where rule, like 'vouchers may be spent only at a <merchant> in <categories>.'",
        "使用场所规则，例如“消费券仅限在<类别>的<商户>使用。”",
    ),
    "form_limit": (
        "a limit sentence, like 'overtime beyond 36 hours in a month is a violation.'",
        "限制语句，例如“一月内超出 36 小时的加班，属于违法。”",
    ),
    "form_when": (
        "the when rule, like 'vouchers may be spent only during <date range>.'",
        "使用期间规则，例如“消费券仅限在<日期区间>内使用。”",
    ),
    "form_minimum": (
        "the minimum rule, like 'vouchers may be spent only on a purchase of at least CNY 100.00.'",
        "最低消费规则，例如“消费券仅限用于金额不低于 CNY 100.00 的消费。”",
    ),
    "form_share": (
        "the share rule, like 'a voucher covers at most 50% of a purchase.'",
        "抵扣比例规则，例如“消费券至多抵扣单笔消费的 50%。”",
    ),
    "form_split": ("the split rule: 'vouchers may be split across purchases.'", "分次使用规则：“消费券可分次使用。”"),
    "form_transfer": (
        "the transfer rule: 'vouchers are transferable.' or 'vouchers are not transferable.'",
        "转让规则：“消费券可以转让。”或“消费券不得转让。”",
    ),
    "form_expiry": (
        "the expiry rule, like 'after <date range>, unspent value returns to <agency>.'",
        "届满规则，例如“<日期区间>届满后，未使用的金额退还<机关>。”",
    ),
    "form_deposit": (
        "the deposit rule, like 'each bid carries a deposit of 2% of its value.'",
        "保证金规则，例如“每份投标须缴纳其报价的 2% 作为保证金。”",
    ),
    "form_penalty": (
        "the penalty rule, like 'each day of late delivery reduces payment by 0.5%, at most 10% of the contract "
        "price.'",
        "逾期扣款规则，例如“每逾期交付一日，付款减少 0.5%，累计不超过合同价格的 10%。”",
    ),
    "form_best_value": (
        "the best value award, like 'the best revealed bid wins, weighing price 60% and quality 40%; ties go to "
        "the earliest bid.'",
        "综合评分中标规则，例如“按价格 60%、质量 40% 加权，综合得分最高的已揭示投标中标；"
        "得分相同的，由最早的投标中标。”",
    ),
    "form_scoring": (
        "the scoring rule, like '<buyer> scores the quality of each revealed bid within 3 days.'",
        "质量评分规则，例如“<采购方>在揭示结束后 3 天内对每份已揭示投标的质量评分。”",
    ),
    "weights_not_whole": (
        "the weights of price and quality must add up to 100%; they add up to {total}",
        "价格与质量的权重之和须为 100%；现为 {total}",
    ),
    "best_value_without_scoring": (
        "a best value award needs quality scores: add {form}",
        "综合评分中标须有质量评分：请添加{form}",
    ),
    "scoring_without_best_value": (
        "quality is scored only for a best value award: add {form}",
        "仅综合评分中标才评定质量：请添加{form}",
    ),
    "two_award_sentences": (
        "a statute awards by the lowest price or by best value, not both (the other award is on line {line})",
        "法规只能采用最低价中标或综合评分中标之一（另一中标规则在第 {line} 行）",
    ),
    "form_inspection": (
        "the inspection rule, like '<inspector> confirms or disputes each delivery within 7 days of its record.'",
        "检验期限规则，例如“<检验方>在交付记录后 7 天内确认或提出异议。”",
    ),
    "form_security": (
        "the performance security rule, like 'the winner lodges a performance security of 10% of the contract "
        "price, held until acceptance and forfeited on default.'",
        "履约保证金规则，例如“中标人提交合同价格的 10% 作为履约保证金，至验收时退还，违约时不予退还。”",
    ),
    "form_forfeit": (
        "the forfeit rule: 'a <supplier> who does not reveal its bid forfeits its deposit.'",
        "丧失保证金规则：“未揭示其投标的<供应方>，丧失其保证金。”",
    ),
    "form_purchase": (
        "the purchase rule, like '<buyer> buys \"wheat\" in kilograms at no more than CNY 3.10 per kilogram.'",
        "收购规则，例如“<采购方>收购「小麦」，以公斤计，每公斤价格不超过 CNY 3.10。”",
    ),
    "form_bidding": (
        "the bidding rule, like 'bids are sealed during 7 days and revealed during 2 days.'",
        "投标规则，例如“投标在 7 天内密封，并在 2 天内揭示。”",
    ),
    "form_award": (
        "the award rule: 'the lowest revealed bid wins; ties go to the earliest bid.'",
        "中标规则：“已揭示的最低报价中标；报价相同的，由最早的投标中标。”",
    ),
    "form_delivery": (
        "the delivery rule, like 'deliveries are confirmed by <inspector> within 30 days.'",
        "交付规则，例如“交付由<检验方>在 30 天内确认。”",
    ),
    "form_supply_payment": (
        "the payment rule: '<buyer> pays <supplier> for each confirmed delivery at the awarded price.'",
        "支付规则：“<采购方>就每批经确认的交付按中标价格向<供应方>支付。”",
    ),
}

#: English vocabulary used inside messages → Chinese. Keys are the English words.
WORDS: dict[str, str] = {
    # party kinds
    "firm": "企业",
    "worker": "职工",
    "device": "设备",
    "agency": "机关",
    "citizen": "公民",
    # domains
    "working time": "工作时间",
    "vouchers": "消费券",
    "procurement": "采购",
    "instalments": "分期发放",
    # types (as `ast.type_name` and the checker name them)
    "money": "金额",
    "a percentage": "百分比",
    "a duration": "时长",
    "a date": "日期",
    "a weekday": "星期",
    "a date range": "日期区间",
    "a list of categories": "类别列表",
    "a string": "字符串",
    "an integer": "整数",
    "a time zone": "时区",
    # units and header fields
    "minute": "分钟",
    "hour": "小时",
    "day": "天",
    "week": "周",
    "a number": "数字",
    "jurisdiction": "适用地域",
    "currency": "货币",
    "time zone": "时区",
    "public holidays": "法定节假日",
    "rest days": "休息日",
    # rule names (docs/language.md)
    "earning": "计发",
    "earning and limit": "计发和限制",
    "limit": "限制",
    "articles with earning sentences": "条含计发语句的条文",
    "earning sentences": "句计发语句",
    "rule counting overtime": "句计算加班的规则",
    "limit sentences": "句限制语句",
    "payment": "支付",
    "issue": "发放",
    "where": "使用场所",
    "when": "使用期间",
    "minimum": "最低消费",
    "share": "抵扣比例",
    "split": "分次使用",
    "transfer": "转让",
    "expiry": "届满",
    "purchase": "收购",
    "bidding": "投标",
    "deposit": "保证金",
    "award": "中标",
    "delivery": "交付",
    "penalty": "逾期扣款",
    "the cap on late-delivery deductions": "逾期扣款的累计上限",
    "a performance security": "履约保证金",
    "forfeit": "丧失保证金",
    "delivery inspection": "检验期限",
    "performance security": "履约保证金",
    "best value award": "综合评分中标",
    "quality scoring": "质量评分",
}

LANGUAGES = ("en", "zh")


def message(language: str, key: str, **fields: object) -> str:
    """The message `key` in `language`, with its fields filled in."""
    return MESSAGES[key][LANGUAGES.index(language)].format(**fields)


def word(language: str, english: str) -> str:
    """A piece of message vocabulary in `language` (English words are their own key)."""
    return english if language == "en" else WORDS.get(english, english)


def quoted(language: str, text: object) -> str:
    """`'text'` in English, `「text」` in Chinese."""
    return message(language, "quoted", text=text)


def join_or(language: str, items: Iterable[str]) -> str:
    """`a, b or c` / `a、b或c`."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    return message(language, "or", first=message(language, "list_sep").join(items[:-1]), last=items[-1])


def suggest(language: str, name: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` / `；您是否指「x」？` for the closest candidate, or nothing."""
    best = closest(name, candidates)
    return message(language, "did_you_mean", name=best) if best else ""
