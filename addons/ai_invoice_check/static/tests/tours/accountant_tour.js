/** An accountant opens a draft vendor bill that the AI check flagged, reads the finding in the banner,
 * looks at the AI Check page, then accepts the finding as expected. The texts are checked in the
 * user's language (en_US or fr_FR): a word left in English in the French interface fails the tour. */
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { stepUtils } from "@web_tour/tour_utils";

const t = (en, fr) => (user.lang.startsWith("fr") ? fr : en);

registry.category("web_tour.tours").add("ai_invoice_check_accountant_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Vendors menu",
            trigger: `.o_menu_sections [data-menu-xmlid="account.menu_finance_payables"]:contains("${t("Vendors", "Fournisseurs")}")`,
            run: "click",
        },
        {
            content: "Open the vendor bills",
            trigger: `.dropdown-item[data-menu-xmlid="account.menu_action_move_in_invoice_type"]:contains("${t("Bills", "Factures fournisseurs")}")`,
            run: "click",
        },
        {
            content: "The bills list shows the AI check column",
            trigger: `.o_list_view th[data-name="ai_check_state"]:contains("${t("AI check", "Contrôle IA")}")`,
        },
        {
            content: "The draft bill is marked to verify in the list",
            trigger: `.o_data_row:has(td[name="status_in_payment"]:contains("${t("Draft", "Brouillon")}")) td[name="ai_check_state"]:contains("${t("To verify", "À vérifier")}")`,
        },
        {
            content: "Open the draft bill",
            trigger: `.o_data_row:has(td[name="status_in_payment"]:contains("${t("Draft", "Brouillon")}")) td[name="invoice_partner_display_name"]`,
            run: "click",
        },
        {
            content: "The finding is shown in the banner, in the user's language",
            trigger: `.o_form_view .o_field_widget[name="alerts"] .alert-warning div[name^="ai_invoice_check_"]:contains("${t("higher than usual", "de plus que d'habitude")}")`,
        },
        {
            content: "The banner offers to accept the finding as expected",
            trigger: `.o_field_widget[name="alerts"] div[name^="ai_invoice_check_"]:contains("${t("higher than usual", "de plus que d'habitude")}") a:contains("${t("Expected", "Attendu")}")`,
        },
        {
            content: "Open the AI Check page",
            trigger: `.o_notebook .nav-link[name="ai_check"]:contains("${t("AI Check", "Contrôle IA")}")`,
            run: "click",
        },
        {
            content: "The check's state is 'To verify'",
            trigger: `.o_notebook .tab-pane.active .o_field_widget[name="ai_check_state"]:contains("${t("To verify", "À vérifier")}")`,
        },
        {
            content: "The page's labels are in the user's language",
            trigger: `.o_notebook .tab-pane.active:has(.o_form_label:contains("${t("Checked on", "Contrôlée le")}")) .o_form_label:contains("${t("AI check", "Contrôle IA")}")`,
        },
        {
            content: "The finding is listed on the page with its kind",
            trigger: `.o_notebook .tab-pane.active .o_field_widget[name="ai_finding_ids"] .o_data_row:has(td[name="kind"]:contains("${t("Amount", "Montant")}")) td[name="message"]:contains("${t("higher than usual", "de plus que d'habitude")}")`,
        },
        {
            content: "The findings list has its buttons",
            trigger: `.o_notebook .tab-pane.active .o_field_widget[name="ai_finding_ids"] .o_data_row button[name="action_mark_expected"]:contains("${t("Expected", "Attendu")}")`,
        },
        {
            content: "Accept the finding as expected from the banner",
            trigger: `.o_field_widget[name="alerts"] div[name^="ai_invoice_check_"]:contains("${t("higher than usual", "de plus que d'habitude")}") a:contains("${t("Expected", "Attendu")}")`,
            run: "click",
        },
        {
            content: "The finding is gone from the banner",
            trigger: `.o_form_view .o_form_sheet_bg:not(:has(div[name^="ai_invoice_check_"]))`,
        },
        {
            content: "Back on the AI Check page after the reload",
            trigger: `.o_notebook .nav-link[name="ai_check"]`,
            run: "click",
        },
        {
            content: "The decision is logged in the chatter, in the user's language",
            trigger: `.o-mail-Message-body:contains("${t("Marked as expected", "Marqué comme attendu")}")`,
        },
        {
            content: "The amount finding is no longer listed on the AI Check page",
            trigger: `.o_notebook .tab-pane.active .o_field_widget[name="ai_finding_ids"]:not(:has(td[name="kind"]:contains("${t("Amount", "Montant")}")))`,
        },
    ],
});
