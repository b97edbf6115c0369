namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// The knowledge base's second edition (issue 17, item 3): each new entry answers the plainest way of asking for it,
/// and the entries it sits next to keep their own questions.
/// </summary>
public sealed class SecondEditionEntriesTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    [Theory]
    [InlineData("what is a soc 1 report", "soc1-what-is-it")]
    [InlineData("what is isae 3402", "isae-3402-and-soc1")]
    [InlineData("isae 3000 vs soc 2", "isae-3000-and-soc2")]
    [InlineData("what soc reports are there", "soc-suite-overview")]
    [InlineData("what is soc for cybersecurity", "soc-for-cybersecurity")]
    [InlineData("what is soc for supply chain", "soc-for-supply-chain")]
    [InlineData("can we say we are iso 27001 compliant without a certificate", "compliant-vs-certified")]
    [InlineData("can we use the iso logo on our website", "iso27001-certification-mark-use")]
    [InlineData("can we use the aicpa soc logo", "soc-logo-use")]
    [InlineData("how do we pick a soc 2 audit firm", "choosing-a-soc2-auditor")]
    [InlineData("can we change soc 2 auditors", "switching-soc2-auditor")]
    [InlineData("how do we choose an iso 27001 certification body", "choosing-a-certification-body")]
    [InlineData("can we transfer our iso 27001 certificate to another cb", "iso27001-certificate-transfer")]
    [InlineData("minimum viable isms for a small team", "iso27001-minimum-viable-isms")]
    [InlineData("how much work is iso 27001 for a small company", "iso27001-small-company-effort")]
    [InlineData("what is iso 42001", "iso42001-what-is-it")]
    [InlineData("iso 42001 vs iso 27001", "iso42001-vs-iso27001")]
    [InlineData("how do llm vendors fit into our soc 2", "ai-in-soc2-and-iso27001-scope")]
    [InlineData("can we send our soc 2 instead of filling in the security questionnaire", "security-questionnaires-with-reports")]
    [InlineData("customer wants our iso 27001 audit report", "sharing-soa-and-certificate-with-customers")]
    [InlineData("we had a data breach during the soc 2 type 2 period", "soc2-incident-during-audit-period")]
    [InlineData("do we have to tell our certification body about a breach", "iso27001-incident-during-certification")]
    [InlineData("do all our offices need to be audited for iso 27001", "iso27001-multi-site-sampling")]
    [InlineData("can the iso 27001 audit be done remotely", "remote-audits")]
    [InlineData("can a company with no office get iso 27001 certified", "iso27001-fully-remote-company")]
    [InlineData("our cto is an iso 27001 lead auditor, does that make us certified", "individual-credentials-vs-org-certification")]
    [InlineData("iso 27001 lead auditor vs lead implementer", "iso27001-lead-auditor-vs-lead-implementer")]
    [InlineData("can a cisa sign a soc 2 report", "who-can-sign-a-soc2-report")]
    [InlineData("what is cmmc", "reg-cmmc")]
    [InlineData("what is bsi c5", "reg-bsi-c5")]
    [InlineData("what is the ens in spain", "reg-ens-spain")]
    [InlineData("what is irap", "reg-irap")]
    [InlineData("what is ismap", "reg-ismap")]
    [InlineData("what is tisax", "reg-tisax")]
    [InlineData("what is cyber essentials", "reg-cyber-essentials")]
    [InlineData("which country specific security certifications exist", "reg-regional-schemes-overview")]
    [InlineData("integrated management system for several iso standards", "integrated-management-systems")]
    [InlineData("iso 27001 and iso 9001 together", "iso27001-with-iso9001")]
    [InlineData("iso 22301 vs iso 27001", "iso27001-with-iso22301")]
    [InlineData("what do vanta or drata actually do", "compliance-automation-platforms")]
    [InlineData("does a compliance platform replace the auditor", "compliance-automation-limits")]
    public void A_new_entry_answers_its_plainest_question(string question, string entryId)
    {
        var answer = fixture.Answerer.Answer(question);
        Assert.False(answer.Abstained, $"abstained at {answer.Confidence:0.00}");
        Assert.Equal(entryId, answer.EntryId);
    }

    [Theory]
    [InlineData("difference between soc1 and soc2", "soc2-soc1-vs-soc2")]
    [InlineData("what is soc 3", "soc2-soc3")]
    [InlineData("what's a bridge letter", "soc2-bridge-letter")]
    [InlineData("are we soc 2 certified", "soc2-is-not-a-certification")]
    [InlineData("what is hitrust", "reg-hitrust")]
    [InlineData("we're fully remote, what about physical security for soc2", "control-physical-security-remote-cloud")]
    [InlineData("realistic timeline for 27001 cert for a 40 person startup", "iso27001-certification-timeline")]
    public void Neighbouring_entries_keep_their_own_questions(string question, string entryId)
    {
        Assert.Equal(entryId, fixture.Answerer.Answer(question).EntryId);
    }

    [Theory]
    [InlineData("iso 9001 quality manual contents")]
    public void Out_of_scope_neighbours_of_the_new_entries_still_abstain(string question)
    {
        Assert.True(fixture.Answerer.Answer(question).Abstained);
    }
}
